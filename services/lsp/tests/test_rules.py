"""The LSP's rules (issue 13): the scheme's requirements block an acceptance unless the admin
overrides with a reason (timeline, SIKI's report, audit log); an appeal is decided by a komite
member who neither assessed nor decided the application, and one left undecided is flagged to
the manager by the deadline sweep; a payment proof after the due date is refused, a rejected one
can be replaced until then."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import respx

from services.lsp.tests.support import Lsp, drive, running, settings_for, submission
from services.lsp.usecases import payments

pytestmark = pytest.mark.usefixtures("siki")

WIB = ZoneInfo("Asia/Jakarta")
REASON = "Ijazah D3 ditambah 12 tahun pengalaman setara, disetujui rapat teknis LSP"


@pytest.fixture
async def lsp(sqlite_url: str) -> AsyncIterator[Lsp]:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


async def audit_events(lsp: Lsp, **filters: Any) -> list[dict[str, Any]]:
    r = await lsp.client.get("/api/v1/audit-events", params={"limit": 200, **filters},
                             headers=await lsp.as_("admin"))
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()
    return found


async def submitted(lsp: Lsp, **kw: Any) -> str:
    sub = submission(**kw)
    assert (await lsp.webhook("application.submitted", sub)).status_code == 200
    return str(sub["id"])


def proof(aid: str, proof_no: int, uploaded_at: datetime) -> dict[str, Any]:
    doc = {"id": f"doc-{proof_no}", "kind": "payment_proof", "sha256": "0" * 64, "content_type": "application/pdf",
           "size": 10}
    return {"application_id": aid, "proof_no": proof_no, "document": doc, "uploaded_at": uploaded_at.isoformat()}


def day_after(due: str) -> datetime:
    """Half past midnight in Jakarta the day after the due date (still the due date in UTC)."""
    return datetime.combine(date.fromisoformat(due) + timedelta(days=1), time(0, 30), tzinfo=WIB)


# --- requirements --------------------------------------------------------------------------


async def test_unmet_requirements_block_acceptance_without_override(lsp: Lsp, siki: respx.Route) -> None:
    aid = await submitted(lsp, level="D3")  # Ahli jenjang 7 needs S1 or D4
    before = await lsp.get(aid)
    assert before["precheck"]["passed"] is False
    verified_before = await audit_events(lsp, application_id=aid, action="application.verified")

    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["field"] == "requirements.education" and problem["unmet"] == ["education"]
    assert "D3" in problem["detail"] and "S1, D4" in problem["detail"] and "override_reason" in problem["detail"]
    assert "override_reason" in [e["field"] for e in problem["errors"]]

    # Bad override reasons: 422 naming the field; a reason on a return is refused too.
    for bad in ("", "   ", "singkat", "Alasan yang\nterdiri dua baris", "x" * 1001):
        r = await lsp.post(aid, "verification", {"decision": "accepted", "override_reason": bad}, "admin")
        assert r.status_code == 422 and r.json()["field"] == "override_reason", (bad, r.text)
    r = await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["x"], "override_reason": REASON},
                       "admin")
    assert r.status_code == 422 and r.json()["field"] == "override_reason"

    after = await lsp.get(aid)
    for key in ("status", "timeline", "apl01", "invoice", "precheck", "requirements_override"):
        assert after[key] == before[key], key
    assert await audit_events(lsp, application_id=aid, action="application.verified") == verified_before
    assert not [c for c in siki.calls if f"/applications/{aid}/" in str(c.request.url)]


async def test_wrong_kind_of_experience_is_named(lsp: Lsp) -> None:
    sub = submission(level="S1")
    for item in sub["sections"]["experience"]["items"]:
        item["experience_kind"] = "kerja"  # work experience: Ahli needs professional experience
    assert (await lsp.webhook("application.submitted", sub)).status_code == 200
    view = await lsp.get(sub["id"])
    assert view["precheck"]["passed"] is False and view["precheck"]["experience_kinds"] == ["professional"]
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409 and r.json()["unmet"] == ["experience"]
    assert "professional experience" in r.json()["detail"]


async def test_ongoing_job_counts_to_today(lsp: Lsp) -> None:
    start = (date.today() - timedelta(days=3 * 365)).isoformat()
    sub = submission(periods=[(start, "2000-01-01")])
    sub["sections"]["experience"]["items"][0].pop("end_date")  # still working there
    assert (await lsp.webhook("application.submitted", sub)).status_code == 200
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    assert r.json()["precheck"]["passed"] is True and r.json()["requirements_override"] is None


async def test_override_is_recorded_on_the_timeline_report_and_audit(lsp: Lsp, siki: respx.Route) -> None:
    aid = await submitted(lsp, level="D3", periods=[("2024-06-01", "2024-12-31")])
    r = await lsp.post(aid, "verification", {"decision": "accepted", "override_reason": f"  {REASON}  "}, "admin")
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["status"] == "invoiced"
    override = view["requirements_override"]
    assert override["reason"] == REASON and override["by"] == "admin"
    assert [u["requirement"] for u in override["unmet"]] == ["education", "experience"]
    accepted = next(t for t in view["timeline"] if t["status"] == "accepted")
    assert "diterima dengan pengecualian" in accepted["note"] and accepted["note"].endswith(f"Alasan: {REASON}")
    assert "pendidikan tertinggi D3" in accepted["note"]

    view = await lsp.wait_reports_sent(aid)
    sent = [json.loads(c.request.content) for c in siki.calls if f"/applications/{aid}/" in str(c.request.url)]
    report = next(b for b in sent if b["status"] == "accepted")
    assert report["note"] == accepted["note"]

    [entry] = await audit_events(lsp, application_id=aid, action="application.verified")
    assert entry["actor"] == "staff:LSP-A:admin"
    assert entry["detail"]["override"] == {"reason": REASON, "unmet": ["education", "experience"]}


async def test_met_requirements_need_no_override(lsp: Lsp) -> None:
    aid = await submitted(lsp)
    r = await lsp.post(aid, "verification", {"decision": "accepted", "override_reason": REASON}, "admin")
    assert r.status_code == 200, r.text
    assert r.json()["requirements_override"] is None  # nothing was set aside
    [entry] = await audit_events(lsp, application_id=aid, action="application.verified")
    assert "override" not in entry["detail"]


# --- appeals -------------------------------------------------------------------------------


async def test_deciding_komite_cannot_decide_the_appeal_another_can(lsp: Lsp) -> None:
    aid = await drive(lsp, "appealed")  # asesor1 assessed, komite decided Belum Kompeten
    r = await lsp.post(aid, "appeal-decision", {"decision": "upheld"}, "komite")
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert "decided this application's competence" in r.json()["detail"]
    assert (await lsp.get(aid))["status"] == "appealed"
    r = await lsp.post(aid, "appeal-decision", {"decision": "upheld"}, "komite2")
    assert r.status_code == 200 and r.json()["status"] == "appeal_upheld"


async def test_overdue_appeal_is_flagged_by_the_sweep(lsp: Lsp) -> None:
    aid = await drive(lsp, "appealed")
    decided_in_time = await drive(lsp, "appealed")
    admin = await lsp.as_("admin")

    async def sweep(as_of: date) -> dict[str, Any]:
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": as_of.isoformat()}, headers=admin)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def flagged(user: str = "admin") -> list[str]:
        r = await lsp.client.get("/api/v1/applications", params={"flag": "appeal_overdue"},
                                 headers=await lsp.as_(user))
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()["items"]]

    today = datetime.now(WIB).date()
    assert (await sweep(today + timedelta(days=5)))["appeals_overdue"] == []  # 7 working days not over yet
    assert await flagged() == []
    assert (await lsp.post(decided_in_time, "appeal-decision", {"decision": "rejected"}, "komite2")).status_code == 200

    result = await sweep(today + timedelta(days=30))
    assert result["appeals_overdue"] == [aid]
    assert (await sweep(today + timedelta(days=31)))["appeals_overdue"] == []  # flagged once
    assert await flagged() == [aid] and await flagged("manajer") == [aid]
    view = await lsp.get(aid)
    assert view["appeal"]["overdue_at"] is not None and view["status"] == "appealed"
    r = await lsp.client.get("/api/v1/applications", params={"flag": "nonsense"}, headers=admin)
    assert r.status_code == 422
    [entry] = await audit_events(lsp, application_id=aid, action="appeal.overdue")
    assert entry["actor"] == "system:LSP-A:deadline-sweep"
    assert entry["detail"]["working_days"] == 7 and entry["detail"]["decision_due"]
    runs = [e["detail"]["appeals_overdue"] for e in await audit_events(lsp, action="deadline_sweep.run")]
    assert runs.count([aid]) == 1 and runs.count([]) == 2

    # Decided late: off the manager's list, the flag stays in the record.
    assert (await lsp.post(aid, "appeal-decision", {"decision": "rejected"}, "komite3")).status_code == 200
    assert await flagged() == []
    assert (await lsp.get(aid))["appeal"]["overdue_at"] is not None


async def test_periodic_sweep_flags_overdue_appeals(sqlite_url: str) -> None:
    await periodic_sweep_flags(sqlite_url)


async def test_periodic_sweep_flags_overdue_appeals_on_postgres(pg_url: str) -> None:
    await periodic_sweep_flags(pg_url)


async def periodic_sweep_flags(url: str) -> None:
    async with running(settings_for(url, appeal_decision_working_days=1)) as lsp:
        aid = await drive(lsp, "appealed")
        ctx = lsp.app.state.lsp
        assert await payments.run_deadline_sweep(ctx, datetime.now(WIB).date()) == []
        assert (await lsp.get(aid))["appeal"]["overdue_at"] is None
        await payments.run_deadline_sweep(ctx, datetime.now(WIB).date() + timedelta(days=10))
        assert (await lsp.get(aid))["appeal"]["overdue_at"] is not None


# --- payment deadline ----------------------------------------------------------------------


async def test_late_proof_is_refused_and_changes_nothing(lsp: Lsp) -> None:
    aid = await drive(lsp, "invoiced")
    # The reports of the steps so far are sent by a background task: wait for it, so that its
    # marking them sent is not taken for a change made by the refused proof.
    before = await lsp.wait_reports_sent(aid)
    due = before["invoice"]["due_date"]
    r = await lsp.webhook("payment.proof_uploaded", proof(aid, 1, day_after(due)))
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["field"] == "data.uploaded_at" and problem["due_date"] == due
    assert f"due date {due}" in problem["detail"] and "Asia/Jakarta" in problem["detail"]
    after = await lsp.get(aid)
    for key in ("status", "timeline", "payment", "reports"):
        assert after[key] == before[key], key
    # Uploaded in time (even if delivered later), the same proof is taken.
    last_minute = datetime.combine(date.fromisoformat(due), time(23, 59), tzinfo=WIB)
    r = await lsp.webhook("payment.proof_uploaded", proof(aid, 1, last_minute))
    assert r.status_code == 200 and r.json()["outcome"] == "updated"
    assert (await lsp.get(aid))["status"] == "payment_uploaded"


async def test_rejected_proof_replaced_before_the_due_date(lsp: Lsp) -> None:
    aid = await drive(lsp, "payment_rejected")
    view = await lsp.get(aid)
    due = view["invoice"]["due_date"]
    r = await lsp.webhook("payment.proof_uploaded", proof(aid, 2, day_after(due)))
    assert r.status_code == 409 and due in r.json()["detail"]
    assert (await lsp.get(aid))["status"] == "payment_rejected"
    r = await lsp.webhook("payment.proof_uploaded", proof(aid, 2, datetime.now(UTC)))
    assert r.status_code == 200, r.text
    view = await lsp.get(aid)
    assert view["status"] == "payment_uploaded" and view["payment"]["proof_no"] == 2
    r = await lsp.post(aid, "payment-verification", {"decision": "valid"}, "admin")
    assert r.status_code == 200 and r.json()["status"] == "payment_verified"
