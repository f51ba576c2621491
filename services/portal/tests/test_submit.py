"""submit_application: validated as a whole, forwarded to SIKI at once, resubmitted after return."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from services.portal.tests.factories import Portal, status_event
from shared.auth import ServiceIdentity
from shared.contracts.siki import ApplicationSubmission
from shared.settings import ServiceSettings

SIKI = "http://siki.test/api/v1/applications"
PROBLEM = "application/problem+json"


async def get_app(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    return dict((await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)).json())


async def submit(portal: Portal, headers: dict[str, str], app_id: str) -> httpx.Response:
    return await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)


async def test_submit_forwards_a_complete_application(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(
            202, json={"id": app_id, "status": "submitted", "lsp_code": "LSP-A"}))
        r = await submit(portal, applicant, app_id)
    assert r.status_code == 200, r.text
    app = r.json()
    assert app["status"] == "submitted" and app["submission_no"] == 1 and app["lsp_code"] == "LSP-A"
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted"]
    request = route.calls.last.request
    assert request.headers["idempotency-key"].startswith(f"{app_id}:1.")
    siki = ServiceIdentity.from_settings(ServiceSettings(service_name="siki"))  # as a dev SIKI verifies it
    assert siki.verify(request.headers["authorization"].split()[1], "siki") == "portal"
    body = ApplicationSubmission.model_validate(json.loads(request.content))
    assert body.id == app_id and body.submission_no == 1 and body.jabatan_kerja_code == "SI012001"
    assert body.applicant.email.endswith("@example.id")
    assert set(body.sections) == {"personal", "education", "experience", "training", "case_studies",
                                  "certificates", "qualification"}
    assert {d.id for d in body.documents} == set(docs.values())
    assert all(d.url == f"http://portal.test/api/v1/internal/documents/{d.id}" for d in body.documents)
    # Submitted once: a second submit is a conflict and SIKI hears nothing more.
    with respx.mock:
        again = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await submit(portal, applicant, app_id)
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
        assert not again.called


async def test_incomplete_application_is_not_sent(portal: Portal, applicant: dict[str, str]) -> None:
    docs = await portal.upload_all(applicant)
    app_id = await portal.draft(applicant)
    from services.portal.tests.factories import personal

    await portal.client.put(f"/api/v1/applications/{app_id}/sections/personal", headers=applicant,
                            json=personal(docs))
    await portal.client.put(f"/api/v1/applications/{app_id}/sections/education", headers=applicant,
                            json={"items": []})
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await submit(portal, applicant, app_id)
        assert not route.called
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["education.items", "experience", "qualification"]
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "draft" and app["submission_no"] == 0


async def test_sikis_refusal_lists_every_reason_and_changes_nothing(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    before = await get_app(portal, applicant, app_id)
    reasons = [
        {"field": "qualification.klasifikasi_code", "message": "Teknisi/Analis: at most 2 klasifikasi", "rule": "pp14"},
        {"field": "experience", "message": "needs 3 years of work experience for jenjang 6"},
    ]
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(
            422, json={"type": "about:blank", "title": "Unprocessable", "status": 422, "detail": "2 rules broken",
                       "errors": reasons}, headers={"content-type": PROBLEM}))
        r = await submit(portal, applicant, app_id)
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["errors"] == reasons  # every reason, with SIKI's own fields kept
    assert "2 rules broken" in r.json()["detail"]
    assert await get_app(portal, applicant, app_id) == before


async def test_sikis_reasons_without_fields_are_kept(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(
            422, json={"detail": "refused", "errors": [{"message": "LSP suspended", "code": "lsp"}, "NIK blocked"]}))
        r = await submit(portal, applicant, app_id)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "application", "message": "LSP suspended", "code": "lsp"},
                                  {"field": "application", "message": "NIK blocked"}]
    assert (await get_app(portal, applicant, app_id))["status"] == "draft"


async def test_siki_down_answers_503_and_changes_nothing(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    before = await get_app(portal, applicant, app_id)
    for side_effect in (httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(500)):
        with respx.mock:
            route = respx.post(SIKI)
            if isinstance(side_effect, Exception):
                route.mock(side_effect=side_effect)
            else:
                route.mock(return_value=side_effect)
            r = await submit(portal, applicant, app_id)
        assert r.status_code == 503 and r.headers["content-type"] == PROBLEM
        assert await get_app(portal, applicant, app_id) == before
    # Once SIKI is back, the same submission (same idempotency key) goes through.
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        assert (await submit(portal, applicant, app_id)).status_code == 200
        assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:1.")


async def test_resubmission_after_return(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        assert (await submit(portal, applicant, app_id)).status_code == 200
    await portal.feed(status_event(app_id, 1, "submitted"), status_event(app_id, 2, "forwarded", lsp_code="LSP-A"),
                      status_event(app_id, 3, "returned", actor="LSP-A/admin", reasons=["APL-02 belum lengkap"]))
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "returned" and app["reasons"] == ["APL-02 belum lengkap"]
    # Fix a section, then resubmit: submission 2.
    from services.portal.tests.factories import qualification

    r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/qualification", headers=applicant,
                                json=qualification(docs, kta_number="KTA-9999"))
    assert r.status_code == 200
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await submit(portal, applicant, app_id)
    assert r.status_code == 200, r.text
    body = json.loads(route.calls.last.request.content)
    assert body["submission_no"] == 2 and body["sections"]["qualification"]["kta_number"] == "KTA-9999"
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:2.")
    app = r.json()
    assert app["status"] == "submitted" and app["submission_no"] == 2 and app["reasons"] == []
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted", "forwarded", "returned", "submitted"]
    # SIKI's event for the resubmission confirms the portal's entry rather than duplicating it.
    await portal.feed(status_event(app_id, 4, "submitted"))
    app = await get_app(portal, applicant, app_id)
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted", "forwarded", "returned", "submitted"]


async def test_sikis_events_overtaking_the_answer(portal: Portal, applicant: dict[str, str]) -> None:
    """SIKI's status events may be handled before its 202 reaches the portal: the submission still
    counts, so the resubmission after a return carries a new idempotency key."""
    app_id, _ = await portal.complete_draft(applicant)

    async def siki_answers_late(request: httpx.Request) -> httpx.Response:
        await portal.feed(status_event(app_id, 1, "submitted"), status_event(app_id, 2, "forwarded"))
        return httpx.Response(202, json={})

    with respx.mock:
        respx.post(SIKI).mock(side_effect=siki_answers_late)
        r = await submit(portal, applicant, app_id)
    assert r.status_code == 200, r.text
    app = r.json()
    assert app["status"] == "forwarded" and app["submission_no"] == 1
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted", "forwarded"]
    await portal.feed(status_event(app_id, 3, "returned", reasons=["foto buram"]))
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        assert (await submit(portal, applicant, app_id)).status_code == 200
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:2.")
