"""download_application_form: the applicant's FR.APL.01 / FR.APL.02 fetched from SIKI (the
portal's service token), kept, and served to the owner only."""

from __future__ import annotations

import httpx
import respx

from services.portal.tests.factories import Portal
from services.portal.tests.test_after_submit import PROBLEM, SIKI, submitted

APL01 = b"%PDF-1.7\n% FR.APL.01 unsigned\n" + b"x" * 64 + b"\n%%EOF\n"
APL01_SIGNED = b"%PDF-1.7\n% FR.APL.01 signed\n" + b"y" * 64 + b"\n%%EOF\n"


async def test_forms_come_from_siki_with_the_portals_token_and_are_kept(portal: Portal,
                                                                        applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    url = f"/api/v1/applications/{app_id}/forms/apl01"
    with respx.mock:
        route = respx.get(f"{SIKI}/{app_id}/forms/apl01").mock(
            return_value=httpx.Response(404, json={"detail": "not yet"}))
        r = await portal.client.get(url, headers=applicant)
        assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
        assert r.json()["field"] == "form" and "belum tersedia" in r.json()["detail"]
        assert route.calls.last.request.headers["authorization"].startswith("Bearer ")

        route.mock(return_value=httpx.Response(200, content=APL01))
        r = await portal.client.get(url, headers=applicant)
        assert r.status_code == 200 and r.content == APL01
        assert r.headers["content-type"] == "application/pdf"
        # Once verified SIKI has the signed one: the applicant gets it, not the kept copy.
        route.mock(return_value=httpx.Response(200, content=APL01_SIGNED))
        assert (await portal.client.get(url, headers=applicant)).content == APL01_SIGNED
        # SIKI unreachable: the copy kept from the last fetch.
        route.mock(return_value=httpx.Response(503))
        r = await portal.client.get(url, headers=applicant)
        assert r.status_code == 200 and r.content == APL01_SIGNED
        # Not a PDF: refused as SIKI's bad answer.
        route.mock(return_value=httpx.Response(200, content=b"<html>no</html>"))
        assert (await portal.client.get(url, headers=applicant)).status_code == 502


async def test_siki_down_without_a_kept_copy_and_bad_form(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    with respx.mock:
        respx.get(f"{SIKI}/{app_id}/forms/apl02").mock(return_value=httpx.Response(503))
        r = await portal.client.get(f"/api/v1/applications/{app_id}/forms/apl02", headers=applicant)
        assert r.status_code == 503 and r.headers["content-type"] == PROBLEM
    r = await portal.client.get(f"/api/v1/applications/{app_id}/forms/apl03", headers=applicant)
    assert r.status_code == 422


async def test_only_the_owner_gets_the_forms(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    other = await portal.applicant()
    url = f"/api/v1/applications/{app_id}/forms/apl02"
    with respx.mock(assert_all_called=False) as mock:
        siki = mock.route(host="siki.test").mock(return_value=httpx.Response(200, content=APL01))
        r = await portal.client.get(url, headers=other)
        assert r.status_code == 404 and r.json()["field"] == "application_id"
        assert (await portal.client.get(url)).status_code == 401
        assert not siki.called


async def test_the_self_assessment_is_optional_and_checked_for_shape(portal: Portal,
                                                                     applicant: dict[str, str]) -> None:
    from services.portal.tests.factories import qualification

    app_id, docs = await portal.complete_draft(applicant)  # saved without one
    url = f"/api/v1/applications/{app_id}/sections/qualification"
    answers = [{"unit_code": "F.42JLN01.001.1", "answer": "K"}, {"unit_code": "F.42JLN01.002.1", "answer": "BK"}]
    r = await portal.client.put(url, headers=applicant, json=qualification(docs, self_assessment=answers))
    assert r.status_code == 200, r.text
    app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert app["sections"]["qualification"]["self_assessment"] == answers
    r = await portal.client.put(url, headers=applicant, json=qualification(
        docs, self_assessment=[{"unit_code": "F.42JLN01.001.1", "answer": "mungkin"}]))
    assert r.status_code == 422 and r.json()["field"].startswith("qualification.self_assessment.0.answer")
