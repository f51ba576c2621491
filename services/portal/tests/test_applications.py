"""create_application, list/get_application, put_application_section, and ownership."""

from __future__ import annotations

from typing import Any

import httpx
import respx

from services.portal.tests.factories import Portal, all_sections, personal, status_event
from services.portal.tests.section_cases import INVALID_SECTION_CASES, MISSING_SECTION_CASES, VALID_SECTION_CASES

PROBLEM = "application/problem+json"


async def get_app(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_create_list_get(portal: Portal, applicant: dict[str, str]) -> None:
    r = await portal.client.post("/api/v1/applications", headers=applicant, json={"application_kind": "baru"})
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["status"] == "draft" and app["sections"] == {} and app["invoice"] is None
    assert [t["status"] for t in app["timeline"]] == ["draft"]
    assert app["timeline"][0]["actor"] == "applicant" and app["timeline"][0]["at"]
    listed = (await portal.client.get("/api/v1/applications", headers=applicant)).json()
    assert [a["id"] for a in listed] == [app["id"]]
    assert (await get_app(portal, applicant, app["id"]))["id"] == app["id"]


async def test_create_refuses_other_kinds(portal: Portal, applicant: dict[str, str]) -> None:
    r = await portal.client.post("/api/v1/applications", headers=applicant, json={"application_kind": "lain"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "application_kind"
    # A renewal names the held SKK (tests/test_renewal.py).
    r = await portal.client.post("/api/v1/applications", headers=applicant, json={"application_kind": "perpanjangan"})
    assert r.status_code == 422 and r.json()["field"] == "previous_skk_number"
    assert (await portal.client.get("/api/v1/applications", headers=applicant)).json() == []
    assert (await portal.client.post("/api/v1/applications", json={"application_kind": "baru"})).status_code == 401


async def test_every_section_rule_through_the_api(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    baseline = (await get_app(portal, applicant, app_id))["sections"]
    assert set(baseline) == set(all_sections(docs))
    for section, build, field in INVALID_SECTION_CASES:
        r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/{section}", headers=applicant,
                                    json=build(docs))
        assert r.status_code == 422, (field, r.text)
        assert r.headers["content-type"] == PROBLEM
        assert field in [e["field"] for e in r.json()["errors"]], (field, r.json())
        # Nothing saved: the state read back is the baseline.
        assert (await get_app(portal, applicant, app_id))["sections"] == baseline, field
    for section, build, field in MISSING_SECTION_CASES:
        # A required value left out is no reason to lose the rest: saved as a draft, listed.
        r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/{section}", headers=applicant,
                                    json=build(docs))
        assert r.status_code == 200, (field, r.text)
        assert r.json()["complete"] is False and field in r.json()["missing"], (field, r.json())
        assert (await get_app(portal, applicant, app_id))["sections"][section] == r.json()["sections"][section]
    for section, build in VALID_SECTION_CASES:
        payload = build(docs)
        r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/{section}", headers=applicant,
                                    json=payload)
        assert r.status_code == 200, (section, r.text)
        assert r.json()["complete"] is True and r.json()["missing"] == [], r.json()
        saved = (await get_app(portal, applicant, app_id))["sections"][section]
        assert set(saved) == set(payload)
        if "items" in payload:
            assert len(saved["items"]) == len(payload["items"])


async def test_unknown_section_and_bad_json(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await portal.draft(applicant)
    r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/hobbies", headers=applicant, json={})
    assert r.status_code == 422 and r.json()["field"] == "section"
    r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/personal",
                                headers={**applicant, "content-type": "application/json"}, content=b"{not json")
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert (await get_app(portal, applicant, app_id))["sections"] == {}


async def test_sections_cannot_change_after_submission(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    with respx.mock:
        respx.post("http://siki.test/api/v1/applications").mock(return_value=httpx.Response(202, json={}))
        assert (await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)).status_code == 200
    before = (await get_app(portal, applicant, app_id))["sections"]
    r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/personal", headers=applicant,
                                json=personal(docs, full_name="Nama Baru"))
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "status"
    assert r.json()["status_now"] == "submitted"
    assert (await get_app(portal, applicant, app_id))["sections"] == before


async def test_another_applicants_data_is_not_found(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    other = await portal.applicant()
    base = f"/api/v1/applications/{app_id}"
    before = await get_app(portal, applicant, app_id)
    with respx.mock(assert_all_called=False) as mock:
        siki = mock.route(host="siki.test").mock(return_value=httpx.Response(202, json={}))
        calls = [
            portal.client.get(base, headers=other),
            portal.client.put(f"{base}/sections/personal", headers=other, json=personal(docs)),
            portal.client.post(f"{base}/submit", headers=other),
            portal.client.get(f"{base}/invoice", headers=other),
            portal.client.post(f"{base}/payment-proof", headers=other, files={"file": ("p.pdf", b"%PDF-1.4", "x")}),
            portal.client.post(f"{base}/appeal", headers=other, json={"reason": "alasan yang cukup panjang"}),
            portal.client.get(f"{base}/certificate", headers=other),
        ]
        for call in calls:
            r = await call
            assert r.status_code == 404 and r.headers["content-type"] == PROBLEM, r.text
            assert r.json()["field"] == "application_id"
        assert not siki.called
    assert (await portal.client.get("/api/v1/applications", headers=other)).json() == []
    # The other applicant cannot use the first one's documents in a section of their own.
    own = await portal.draft(other)
    r = await portal.client.put(f"/api/v1/applications/{own}/sections/personal", headers=other, json=personal(docs))
    assert r.status_code == 422
    assert "personal.documents.ktp" in [e["field"] for e in r.json()["errors"]]
    assert await get_app(portal, applicant, app_id) == before
    # Nor see their notifications.
    await portal.feed(status_event(app_id, 1, "submitted"))
    assert len((await portal.client.get("/api/v1/notifications", headers=applicant)).json()) == 1
    assert (await portal.client.get("/api/v1/notifications", headers=other)).json() == []


async def test_reference_data_is_public(portal: Portal) -> None:
    r = await portal.client.get("/api/v1/reference-data")
    assert r.status_code == 200
    data = r.json()
    assert {"provinces", "regencies", "klasifikasi", "subklasifikasi", "jabatan_kerja", "education_levels", "lsps",
            "tuks", "asosiasi"} <= set(data)
    assert all("code" in i and "name" in i for items in data.values() for i in items)
    assert all("province_code" in r for r in data["regencies"])
    assert all("jabatan_kerja_codes" in lsp for lsp in data["lsps"])
    assert {"code": "31", "name": "DKI Jakarta"} in data["provinces"]


async def test_operation_ids(portal: Portal) -> None:
    spec = (await portal.client.get("/openapi.json")).json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"register", "activate_account", "login", "list_reference_data", "create_application", "get_application",
            "list_applications", "upload_document", "put_application_section", "submit_application", "get_invoice",
            "upload_payment_proof", "file_appeal", "download_certificate", "list_notifications",
            "fetch_document"} <= ops
