"""Half-filled sections through the API: saved as drafts with what is missing named; a malformed
value still refused with nothing saved; submit refused until every section is complete; an
ongoing job (no end date) accepted."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from services.portal.tests.factories import Portal, all_sections, experience_item, personal

PROBLEM = "application/problem+json"
SIKI = "http://siki.test/api/v1/applications"


async def put(portal: Portal, headers: dict[str, str], app_id: str, section: str, body: Any) -> httpx.Response:
    return await portal.client.put(f"/api/v1/applications/{app_id}/sections/{section}", headers=headers, json=body)


async def sections(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
    return dict(r.json()["sections"])


async def test_a_half_filled_section_is_saved_as_a_draft(portal: Portal, applicant: dict[str, str]) -> None:
    docs = await portal.upload_all(applicant)
    app_id = await portal.draft(applicant)
    half = {k: v for k, v in personal(docs).items() if k not in ("phone", "postal_code")}
    half["documents"] = {"ktp": docs["ktp"]}
    half["birth_place"] = ""  # an empty form field is a missing one
    r = await put(portal, applicant, app_id, "personal", half)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["section"] == "personal" and body["complete"] is False
    assert set(body["missing"]) == {"personal.phone", "personal.postal_code", "personal.birth_place",
                                    "personal.documents.npwp", "personal.documents.data_statement",
                                    "personal.documents.photo"}
    saved = (await sections(portal, applicant, app_id))["personal"]
    assert saved["full_name"] == "Budi Santoso" and "phone" not in saved and "birth_place" not in saved
    # Filled in later: complete.
    r = await put(portal, applicant, app_id, "personal", personal(docs))
    assert r.status_code == 200 and r.json()["complete"] is True and r.json()["missing"] == []


async def test_a_malformed_value_in_a_draft_is_refused_and_nothing_saved(portal: Portal,
                                                                        applicant: dict[str, str]) -> None:
    app_id = await portal.draft(applicant)
    assert (await put(portal, applicant, app_id, "personal", {"full_name": "Budi Santoso"})).status_code == 200
    before = await sections(portal, applicant, app_id)
    for body, field in [({"full_name": "Budi", "nik": "12345"}, "personal.nik"),
                        ({"full_name": "Budi", "birth_date": "17-08-1985"}, "personal.birth_date"),
                        ({"full_name": "Budi", "province_code": "99"}, "personal.province_code"),
                        ({"full_name": "Budi\r\nBcc: x@y.id"}, "personal.full_name")]:
        r = await put(portal, applicant, app_id, "personal", body)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, (field, r.text)
        assert field in [e["field"] for e in r.json()["errors"]], r.json()
        assert await sections(portal, applicant, app_id) == before


async def test_submit_is_refused_until_every_section_is_complete(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    item = {k: v for k, v in experience_item(docs).items() if k != "position"}
    r = await put(portal, applicant, app_id, "experience", {"items": [item]})
    assert r.status_code == 200 and r.json()["missing"] == ["experience.items.0.position"]
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and not route.called
        assert [e["field"] for e in r.json()["errors"]] == ["experience.items.0.position"]
        assert "experience.items.0.position" in r.json()["detail"]
        r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)
        assert r.json()["status"] == "draft"
        assert (await put(portal, applicant, app_id, "experience", all_sections(docs)["experience"])).status_code == 200
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)
        assert r.status_code == 200 and r.json()["status"] == "submitted" and route.called


async def test_an_ongoing_job_is_accepted_and_submitted(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    ongoing = {**experience_item(docs), "end_date": None, "position": "Site Engineer"}
    r = await put(portal, applicant, app_id, "experience", {"items": [ongoing]})
    assert r.status_code == 200 and r.json()["complete"] is True, r.text
    assert "end_date" not in (await sections(portal, applicant, app_id))["experience"]["items"][0]
    # The end date, when there is one, still may not lie in the future.
    future = {**experience_item(docs), "end_date": "2999-01-01"}
    r = await put(portal, applicant, app_id, "experience", {"items": [future]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "experience.items.0.end_date"
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)
    assert r.status_code == 200, r.text
    sent = json.loads(route.calls.last.request.content)
    assert sent["sections"]["experience"]["items"][0].get("end_date") is None
