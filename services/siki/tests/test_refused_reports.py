"""Status reports SIKI refuses for good: kept with the reason (the body sealed at rest), listed
for operators (role ``deliveries``), resolved ``accepted`` (applied now, if the state machine
allows it) or ``dismissed``; every resolution audited; bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import respx
from sqlalchemy import text

from services.siki.tests.conftest import WEBHOOK_A, Harness, eventually, report, running, submission


async def forwarded(h: Harness, app_id: str) -> bool:
    return [e["status"] for e in await h.timeline(app_id)] == ["submitted", "forwarded"]


async def refused(h: Harness, **filters: str) -> list[dict[str, Any]]:
    r = await h.client.get("/api/v1/refused-reports", params=filters, headers=h.operator)
    assert r.status_code == 200, r.text
    assert int(r.headers["X-Total-Count"]) >= len(r.json())
    return list(r.json())


async def resolve(h: Harness, report_id: str, resolution: str, note: str = "checked with the LSP") -> httpx.Response:
    return await h.client.post(f"/api/v1/refused-reports/{report_id}/resolution",
                               json={"resolution": resolution, "note": note}, headers=h.operator)


async def audit(h: Harness) -> list[dict[str, Any]]:
    r = await h.client.get("/api/v1/audit-events", params={"action": "status_report.refusal_resolved"},
                           headers=h.operator)
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_refused_report_listed_then_accepted(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: forwarded(h, app_id), what="forwarded")
        invoice = {"number": "INV-7", "amount": "1500000", "currency": "IDR", "issued_at": "2026-12-01T03:00:00Z",
                   "due_date": (date.today() + timedelta(days=10)).isoformat()}
        early = report("invoiced", report_id="rep-early", invoice=invoice, note="Tagihan untuk Budi Santoso")
        r = await h.report(app_id, early)
        assert r.status_code == 409, r.text
        # Another LSP's report on this application is not kept (it is not theirs to report).
        assert (await h.report(app_id, report("accepted", report_id="rep-b"), headers=h.lsp_b)).status_code == 403

        (item,) = await refused(h, application_id=app_id)
        assert item["report_id"] == "rep-early" and item["lsp_code"] == "LSP-A" and item["status"] == "invoiced"
        assert item["state"] == "open" and item["http_status"] == 409 and item["times_refused"] == 1
        assert "'invoiced'" in item["reason"] and item["report"]["invoice"]["number"] == "INV-7"
        # Sealed at rest: the note (which may name the applicant) is not in the stored text.
        async with h.runtime.engine.connect() as conn:
            raw = (await conn.execute(text("SELECT body FROM refused_reports"))).scalar_one()
        assert "Budi" not in raw and "INV-7" not in raw

        # Only operators with the role deliveries (or admin) see it; an LSP's key does not.
        assert (await h.client.get("/api/v1/refused-reports", headers=h.lsp_a)).status_code == 403

        # Accepting now is refused by the state machine (still forwarded): 409, nothing changes.
        r = await resolve(h, "rep-early", "accepted")
        assert r.status_code == 409 and r.json()["current_status"] == "forwarded", r.text
        assert (await refused(h, application_id=app_id))[0]["state"] == "open"
        assert await audit(h) == []

        # Once the LSP's accepted report is in, the refused invoice applies.
        assert (await h.report(app_id, report("accepted"))).status_code == 200
        r = await resolve(h, "rep-early", "accepted", note="invoice sent before acceptance")
        assert r.status_code == 200, r.text
        done = r.json()
        assert done["state"] == "accepted" and done["resolved_by"].startswith("operator:siki:")
        assert done["note"] == "invoice sent before acceptance"
        timeline = await h.timeline(app_id)
        assert [e["status"] for e in timeline][-2:] == ["accepted", "invoiced"]
        # The LSP's retry of the same report id now answers the applied step.
        again = await h.report(app_id, early)
        assert again.status_code == 200 and again.json()["status"] == "invoiced"
        # The same resolution again answers it again; another one conflicts.
        assert (await resolve(h, "rep-early", "accepted")).status_code == 200
        other = await resolve(h, "rep-early", "dismissed")
        assert other.status_code == 409 and other.json()["field"] == "resolution"
        (entry,) = await audit(h)
        assert entry["target_id"] == "rep-early" and entry["application_id"] == app_id
        assert entry["detail"]["resolution"] == "accepted" and entry["detail"]["seq"] == timeline[-1]["seq"]
        assert await refused(h, state="open") == []


async def test_refused_report_dismissed_and_bad_input(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: forwarded(h, app_id), what="forwarded")
        wrong = report("payment_uploaded", report_id="rep-wrong")  # the portal's to set: 422
        assert (await h.report(app_id, wrong)).status_code == 422
        (item,) = await refused(h, lsp_code="LSP-A")
        assert item["http_status"] == 422 and item["state"] == "open"

        bad = await h.client.post("/api/v1/refused-reports/rep-wrong/resolution",
                                  json={"resolution": "maybe", "note": "x"}, headers=h.operator)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("resolution")
        missing = await h.client.post("/api/v1/refused-reports/rep-wrong/resolution",
                                      json={"resolution": "dismissed"}, headers=h.operator)
        assert missing.status_code == 422
        assert (await resolve(h, "nope", "dismissed")).status_code == 404
        assert (await refused(h))[0]["state"] == "open" and await audit(h) == []

        r = await resolve(h, "rep-wrong", "dismissed", note="LSP bug, fixed on their side")
        assert r.status_code == 200 and r.json()["state"] == "dismissed"
        # The same report sent again is refused again, counted, and stays dismissed.
        assert (await h.report(app_id, wrong)).status_code == 422
        (item,) = await refused(h)
        assert item["state"] == "dismissed" and item["times_refused"] == 2
        (entry,) = await audit(h)
        assert entry["detail"] == {"resolution": "dismissed", "lsp_code": "LSP-A", "status": "payment_uploaded",
                                   "report_id": "rep-wrong"}
        assert [e["status"] for e in await h.timeline(app_id)] == ["submitted", "forwarded"]
        # Paging: limit 1 of the one item; offset past it is empty.
        r = await h.client.get("/api/v1/refused-reports", params={"limit": 1, "offset": 1}, headers=h.operator)
        assert r.status_code == 200 and r.json() == [] and r.headers["X-Total-Count"] == "1"


async def test_reports_on_a_withdrawn_application_are_not_kept(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: forwarded(h, app_id), what="forwarded")
        r = await h.client.post(f"/api/v1/applications/{app_id}/withdrawal", json={"reason": "pindah kerja"},
                                headers=h.portal)
        assert r.status_code == 202, r.text
        assert (await h.report(app_id, report("accepted"))).status_code == 409
        assert await refused(h) == []
