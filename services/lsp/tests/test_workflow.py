"""The workflow through the API: the happy path, the state table at service level, roles."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import respx

from services.lsp.tests.support import Lsp, drive, running, settings_for, tomorrow_at

pytestmark = pytest.mark.usefixtures("siki")


@pytest.fixture
async def lsp(sqlite_url: str) -> Any:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


async def test_happy_path_to_competent(lsp: Lsp, siki: respx.Route) -> None:
    aid = await drive(lsp, "forwarded")
    view = await lsp.get(aid)
    assert view["status"] == "forwarded"
    assert view["precheck"]["passed"] is True
    # 2019-01-01..2021-12-31 and 2021-01-01..2022-06-30 overlap in 2021: 3.5 years, not 4.5.
    assert 3.4 < view["precheck"]["experience_years"] < 3.6
    assert view["reports"] == []  # forwarded is SIKI's own step

    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "invoiced"
    assert view["apl01"]["recommendation"] == "accepted"
    assert view["apl01"]["signed_by"] == "admin" and view["apl01"]["signed_at"]
    inv = view["invoice"]
    assert inv["number"].startswith("INV/LSP-A/") and inv["currency"] == "IDR"
    assert float(inv["amount"]) == 2500000  # the Ahli fee
    assert date.fromisoformat(inv["due_date"]) > date.fromisoformat(inv["issued_at"][:10])
    assert [t["status"] for t in view["timeline"]][-2:] == ["accepted", "invoiced"]

    for target in ("competent",):
        aid2 = await drive(lsp, target)
        view2 = await lsp.wait_reports_sent(aid2)
        assert view2["status"] == "competent"
        assert [r["status"] for r in view2["reports"]] == [
            "accepted", "invoiced", "payment_verified", "in_certification", "scheduled", "assessed", "competent"]
        assert view2["decision"]["result"] == "kompeten" and view2["decision"]["decided_by"] == "komite"
    bodies = [c.request.content for c in siki.calls]
    assert any(b'"status":"competent"' in b.replace(b" ", b"") for b in bodies)


async def test_rejection_needs_reasons_and_returns(lsp: Lsp) -> None:
    aid = await drive(lsp, "forwarded")
    before = await lsp.get(aid)
    r = await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["  "]}, "admin")
    assert r.status_code == 422 and r.json()["field"] == "reasons"
    assert (await lsp.get(aid))["timeline"] == before["timeline"]
    r = await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["Ijazah tidak terbaca"]}, "admin")
    assert r.status_code == 200
    view = r.json()
    assert view["status"] == "returned"
    assert view["apl01"] == {"recommendation": "rejected", "signed_by": "admin",
                             "signed_at": view["apl01"]["signed_at"], "reasons": ["Ijazah tidak terbaca"]}
    view = await lsp.wait_reports_sent(aid)
    assert [r["status"] for r in view["reports"]] == ["returned"]


async def test_resubmission_after_return_reruns_precheck(lsp: Lsp) -> None:
    from services.lsp.tests.support import submission

    aid = await drive(lsp, "returned")
    weak = submission(aid, submission_no=2, level="D3")
    r = await lsp.webhook("application.resubmitted", weak)
    assert r.status_code == 200, r.text
    view = await lsp.get(aid)
    assert view["status"] == "forwarded" and view["submission_no"] == 2
    assert view["precheck"]["passed"] is False  # D3 is below S1/D4
    assert view["apl01"]["signed_by"] is None
    # A resubmission while not returned is a conflict.
    r = await lsp.webhook("application.resubmitted", submission(aid, submission_no=3))
    assert r.status_code == 409 and r.json()["current_status"] == "forwarded"


# --- the state table at service level ------------------------------------------------------

ACTIONS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "accept": ("verification", "admin", {"decision": "accepted"}),
    "reject": ("verification", "admin", {"decision": "rejected", "reasons": ["x"]}),
    "payment_valid": ("payment-verification", "admin", {"decision": "valid"}),
    "payment_invalid": ("payment-verification", "admin", {"decision": "invalid", "reasons": ["x"]}),
    "start": ("start-certification", "admin", None),
    "schedule": ("schedule", "admin", {"assessor_username": "asesor2", "tuk_code": "TUK-A-01",
                                       "scheduled_at": tomorrow_at(days=400)}),
    "report": ("assessment-report", "komite", {"recommendation": "K", "notes": "ok"}),
    "kompeten": ("decision", "komite", {"result": "kompeten"}),
    "belum_kompeten": ("decision", "komite", {"result": "belum_kompeten"}),
    "uphold": ("appeal-decision", "admin", {"decision": "upheld"}),
    "reject_appeal": ("appeal-decision", "admin", {"decision": "rejected"}),
}
# Which actions each state allows (SPEC section 2); everything else must be a 409.
ALLOWED: dict[str, set[str]] = {
    "forwarded": {"accept", "reject"},
    "returned": set(),
    "invoiced": set(),
    "payment_uploaded": {"payment_valid", "payment_invalid"},
    "payment_rejected": set(),
    "payment_verified": {"start"},
    "in_certification": {"schedule"},
    "scheduled": {"report"},
    "assessed": {"kompeten", "belum_kompeten"},
    "competent": set(),
    "not_yet_competent": set(),
    "appealed": {"uphold", "reject_appeal"},
    "appeal_upheld": {"schedule"},
    "appeal_rejected": set(),
    "cancelled": set(),
}


@pytest.mark.parametrize("state", list(ALLOWED))
async def test_every_other_action_is_409_and_changes_nothing(lsp: Lsp, state: str) -> None:
    aid = await drive(lsp, state)
    # The appeal is decided by the komite; admin lacks the role, so use komite for those.
    before = await lsp.get(aid)
    assert before["status"] == state
    for name, (path, user, body) in ACTIONS.items():
        if name in ALLOWED[state]:
            continue
        if path == "appeal-decision":
            user = "komite"
        r = await lsp.post(aid, path, body, user)
        assert r.status_code == 409, (state, name, r.status_code, r.text)
        problem = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert problem["current_status"] == state and state in problem["detail"]
        after = await lsp.get(aid)
        for key in ("status", "timeline", "invoice", "assessments", "apl01", "payment", "decision", "appeal"):
            assert after[key] == before[key], (state, name, key)
        assert [x["report_id"] for x in after["reports"]] == [x["report_id"] for x in before["reports"]]


# --- roles ---------------------------------------------------------------------------------


async def test_asesor_cannot_verify_or_decide(lsp: Lsp) -> None:
    aid = await drive(lsp, "forwarded")
    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "asesor1")
    assert r.status_code == 403
    assert (await lsp.get(aid))["status"] == "forwarded"
    aid = await drive(lsp, "assessed")
    for result in ("kompeten", "belum_kompeten"):
        r = await lsp.post(aid, "decision", {"result": result}, "asesor2")
        assert r.status_code == 403, r.text
    r = await lsp.post(aid, "payment-verification", {"decision": "valid"}, "asesor1")
    assert r.status_code == 403
    assert (await lsp.get(aid))["status"] == "assessed"


async def test_komite_cannot_decide_its_own_assessment(lsp: Lsp) -> None:
    aid = await drive(lsp, "in_certification")
    r = await lsp.post(aid, "schedule", {"assessor_username": "komite", "tuk_code": "TUK-A-01",
                                         "scheduled_at": tomorrow_at(days=3)}, "admin")
    assert r.status_code == 200, r.text
    # Only the assigned assessor reports.
    r = await lsp.post(aid, "assessment-report", {"recommendation": "K"}, "asesor1")
    assert r.status_code == 403
    r = await lsp.post(aid, "assessment-report", {"recommendation": "K", "notes": "baik"}, "komite")
    assert r.status_code == 200, r.text
    before = await lsp.get(aid)
    r = await lsp.post(aid, "decision", {"result": "kompeten"}, "komite")
    assert r.status_code == 403
    assert "assessor" in r.json()["detail"]
    after = await lsp.get(aid)
    assert after["status"] == "assessed" and after["timeline"] == before["timeline"]


async def test_admin_of_lsp_a_cannot_touch_lsp_b(tmp_path: Any) -> None:
    from services.lsp.tests.support import submission

    async with running(settings_for(f"sqlite+aiosqlite:///{tmp_path}/a.db", "LSP-A")) as a, \
            running(settings_for(f"sqlite+aiosqlite:///{tmp_path}/b.db", "LSP-B")) as b:
        assert b.settings.jwt_secret != a.settings.jwt_secret
        sub = submission(code="LSP-B", jabatan_kerja_code="SI012022", jenjang=4, kualifikasi="Teknisi/Analis")
        assert (await b.webhook("application.submitted", sub)).status_code == 200
        token_a = await a.login("admin")
        headers = {"Authorization": f"Bearer {token_a}"}
        r = await b.client.get(f"/api/v1/applications/{sub['id']}", headers=headers)
        assert r.status_code == 401
        r = await b.client.post(f"/api/v1/applications/{sub['id']}/verification", json={"decision": "accepted"},
                                headers=headers)
        assert r.status_code == 401
        r = await b.client.get("/api/v1/applications", headers=headers)
        assert r.status_code == 401
        assert (await b.get(sub["id"]))["status"] == "forwarded"
        # LSP-A's own database knows nothing of it; and a webhook signed for A is refused by B.
        r = await a.client.get(f"/api/v1/applications/{sub['id']}", headers=headers)
        assert r.status_code == 404
        r = await a.webhook("application.submitted", submission(code="LSP-B"))
        assert r.status_code == 422  # A's secret, right signature for A, but not A's application
        assert (await b.client.post("/api/v1/webhooks/siki", content=b"{}", headers={
            "webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"})).status_code == 401


async def test_login_and_missing_token(lsp: Lsp) -> None:
    r = await lsp.client.post("/api/v1/auth/token", data={"username": "admin", "password": "wrong"})
    assert r.status_code == 401 and r.json()["field"] == "password"
    r = await lsp.client.post("/api/v1/auth/token", data={"username": "nobody", "password": "wrong"})
    assert r.status_code == 401
    r = await lsp.client.get("/api/v1/applications")
    assert r.status_code == 401
    r = await lsp.client.get("/api/v1/applications", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401
    r = await lsp.client.post("/api/v1/deadline-sweep", json={}, headers=await lsp.as_("asesor1"))
    assert r.status_code == 403


# --- scheduling ----------------------------------------------------------------------------


async def test_scheduling_rules(lsp: Lsp) -> None:
    first = await drive(lsp, "in_certification")
    second = await drive(lsp, "in_certification")
    when = tomorrow_at(hour=2, days=20)
    later_same_day = tomorrow_at(hour=8, days=20)
    body = {"assessor_username": "asesor2", "tuk_code": "TUK-A-01", "scheduled_at": when}
    assert (await lsp.post(first, "schedule", body, "admin")).status_code == 200
    r = await lsp.post(second, "schedule", {**body, "scheduled_at": later_same_day}, "admin")
    assert r.status_code == 409 and r.json()["field"] == "assessor_username"
    r = await lsp.post(second, "schedule", {**body, "tuk_code": "TUK-B-01"}, "admin")
    assert r.status_code == 422 and r.json()["field"] == "tuk_code"
    r = await lsp.post(second, "schedule", {**body, "assessor_username": "admin"}, "admin")
    assert r.status_code == 422 and r.json()["field"] == "assessor_username"
    r = await lsp.post(second, "schedule", {**body, "scheduled_at": "2020-01-01T09:00:00+07:00"}, "admin")
    assert r.status_code == 422 and r.json()["field"] == "scheduled_at"
    assert (await lsp.get(second))["status"] == "in_certification"
    # Once asesor2 has reported on the first, the day is free again.
    assert (await lsp.post(first, "assessment-report", {"recommendation": "K"}, "asesor2")).status_code == 200
    r = await lsp.post(second, "schedule", {**body, "scheduled_at": later_same_day}, "admin")
    assert r.status_code == 200, r.text


async def test_upheld_appeal_needs_a_different_assessor(lsp: Lsp) -> None:
    aid = await drive(lsp, "appeal_upheld")
    body = {"assessor_username": "asesor1", "tuk_code": "TUK-A-01", "scheduled_at": tomorrow_at(days=50)}
    r = await lsp.post(aid, "schedule", body, "admin")
    assert r.status_code == 422 and r.json()["field"] == "assessor_username"
    r = await lsp.post(aid, "schedule", {**body, "assessor_username": "asesor2"}, "admin")
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "scheduled"
    assert [a["assessor_username"] for a in view["assessments"]] == ["asesor1", "asesor2"]


async def test_appeal_is_not_decided_by_who_assessed_or_decided_it(lsp: Lsp) -> None:
    aid = await drive(lsp, "in_certification")
    body = {"assessor_username": "komite", "tuk_code": "TUK-A-01", "scheduled_at": tomorrow_at(days=9)}
    assert (await lsp.post(aid, "schedule", body, "admin")).status_code == 200
    assert (await lsp.post(aid, "assessment-report", {"recommendation": "BK"}, "komite")).status_code == 200
    # komite assessed, komite2 decided Belum Kompeten: neither answers the appeal; komite3 does.
    assert (await lsp.post(aid, "decision", {"result": "belum_kompeten"}, "komite2")).status_code == 200
    from datetime import UTC, datetime

    r = await lsp.webhook("appeal.filed", {"application_id": aid, "reason": "Saya keberatan dengan hasilnya",
                                           "filed_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 200
    before = await lsp.get(aid)
    r = await lsp.post(aid, "appeal-decision", {"decision": "upheld"}, "komite")
    assert r.status_code == 403 and "asesor" in r.json()["detail"]
    r = await lsp.post(aid, "appeal-decision", {"decision": "rejected"}, "komite2")
    assert r.status_code == 403 and "decided this application's competence" in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
    after = await lsp.get(aid)
    assert after["status"] == "appealed" and after["timeline"] == before["timeline"]
    r = await lsp.post(aid, "appeal-decision", {"decision": "rejected"}, "komite3")
    assert r.status_code == 200 and r.json()["status"] == "appeal_rejected"
    assert r.json()["appeal"]["decided_by"] == "komite3"


# --- schemes -------------------------------------------------------------------------------


async def test_schemes_and_forms(lsp: Lsp) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    # More schemes than one default page: the whole catalogue in one page of the maximum size.
    r = await lsp.client.get("/api/v1/schemes", params={"limit": 200})
    assert r.status_code == 200
    items = {s["jabatan_kerja_code"]: s for s in r.json()["items"]}
    assert r.json()["total"] == len(items)
    from shared.reference import get_reference

    ref = get_reference()
    licensed = {c for c in ref.lsps["LSP-A"]["jabatan_kerja_codes"] if c in ref.jabatan_kerja}
    assert set(items) == licensed and "SI011002" in licensed
    fees = {"Operator": 500000, "Teknisi/Analis": 1000000, "Ahli": 2500000}
    for code, scheme in items.items():
        jk = ref.jabatan_kerja[code]
        assert float(scheme["fee"]) == fees[jk["kualifikasi"]]
        assert sorted(scheme["requirements"]) == sorted(str(j) for j in jk["jenjang"])
        assert all(scheme["requirements"].values()), code  # every jenjang has options
    assert items["SI011002"]["requirements"]["7"][0] == {"education_level": "S1", "min_years": 2}
    for form, heading in (("apl01", "FR.APL.01"), ("apl02", "FR.APL.02")):
        r = await lsp.client.get(f"/api/v1/schemes/SI011002/forms/{form}")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(r.content)).pages)
        assert heading in text and "SI011002" in text
    assert "Asesmen Mandiri".upper() in text.upper() and "BK" in text
    assert (await lsp.client.get("/api/v1/schemes/XX/forms/apl01")).status_code == 404
    assert (await lsp.client.get("/api/v1/schemes/SI011002/forms/apl03")).status_code == 422


async def test_openapi_operation_ids(lsp: Lsp) -> None:
    spec = (await lsp.client.get("/openapi.json")).json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"staff_login", "list_applications", "get_application", "verify_application", "verify_payment",
            "start_certification", "schedule_assessment", "submit_assessment_report", "decide_competence",
            "decide_appeal", "run_deadline_sweep", "receive_siki_webhook", "list_schemes",
            "get_scheme_form"} <= ids
    r = await lsp.client.get("/api/v1/applications", params={"status": "forwarded"},
                             headers=await lsp.as_("admin"))
    assert r.status_code == 200 and r.json()["items"] == []
