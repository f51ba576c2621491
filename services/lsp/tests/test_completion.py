"""SIKI's ``application.completed`` closes the LSP's record (idempotent, audited); a status
report SIKI refuses for good is marked refused, listed for the admin, and does not hold back
the application's later reports (a failure that may pass still does, in order)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Any

import httpx
import respx
from sqlalchemy import select

from services.lsp.db.models import AuditEntry
from services.lsp.tests.support import Lsp, drive, running, settings_for
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus
from shared.tests.waiting import eventually as wait_for


async def certificate_issued(lsp: Lsp) -> str:
    """An application carried to ``certificate_issued`` (the issuance steps recorded directly)."""
    from services.lsp.usecases.steps import Workflow

    aid = await drive(lsp, "competent")
    ctx = lsp.app.state.lsp
    record_step = Workflow(ctx).record_step
    async with ctx.sessions() as s, s.begin():
        await record_step(s, aid, ApplicationStatus.SKK_NUMBERED, actor="LSP-A/system", note="SKK number",
                          extra={"skk_number": "SKK-1"})
        await record_step(s, aid, ApplicationStatus.RECORDED, actor="LSP-A/system")
        cert = Certificate(skk_number="SKK-1", registration_number="R", recording_number="N",
                           issued_on=date(2026, 1, 1), valid_until=date(2031, 1, 1), qr_payload="q")
        await record_step(s, aid, ApplicationStatus.CERTIFICATE_ISSUED, actor="LSP-A/system", certificate=cert,
                          certificate_pdf_base64="JVBERi0=")
    return aid


async def audit(lsp: Lsp, action: str) -> list[AuditEntry]:
    async with lsp.app.state.lsp.sessions() as s:
        return list((await s.execute(select(AuditEntry).where(AuditEntry.action == action)
                                     .order_by(AuditEntry.id))).scalars())


def completion(aid: str) -> dict[str, Any]:
    return {"application_id": aid, "completed_at": datetime.now(UTC).isoformat(), "skk_number": "SKK-1"}


async def test_completion_webhook_completes_the_record(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        early = await drive(lsp, "competent")
        # Before the certificate is issued: 409, nothing changes.
        r = await lsp.webhook("application.completed", completion(early))
        assert r.status_code == 409 and r.json()["current_status"] == "competent", r.text
        # Malformed: 422 naming the field, nothing changes.
        aid = await certificate_issued(lsp)
        r = await lsp.webhook("application.completed", {"application_id": aid})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "data.completed_at", r.text
        assert (await lsp.get(aid))["status"] == "certificate_issued"

        r = await lsp.webhook("application.completed", completion(aid), webhook_id="msg_done")
        assert r.status_code == 200 and r.json()["outcome"] == "updated", r.text
        view = await lsp.get(aid)
        assert view["status"] == "completed"
        assert view["timeline"][-1]["status"] == "completed" and view["timeline"][-1]["actor"] == "SIKI"
        reported = len(siki.calls)
        # A redelivery (same webhook-id) and the same completion under a new id change nothing.
        again = await lsp.webhook("application.completed", completion(aid), webhook_id="msg_done")
        assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
        other = await lsp.webhook("application.completed", completion(aid))
        assert other.status_code == 200 and other.json()["outcome"] == "already received"
        view = await lsp.get(aid)
        assert [t["status"] for t in view["timeline"]].count("completed") == 1
        # Not reported back: SIKI took the step itself.
        await asyncio.sleep(0.1)
        assert "completed" not in [json.loads(c.request.content)["status"] for c in siki.calls[reported:]]
        (entry,) = await audit(lsp, "application.completed")
        assert entry.actor == "SIKI" and entry.application_id == aid and entry.detail["skk_number"] == "SKK-1"



async def test_refused_report_does_not_block_later_reports(sqlite_url: str, siki: respx.Route) -> None:
    refusal = {"type": "about:blank", "title": "Conflict", "status": 409, "field": "status",
               "detail": "cannot move application from 'returned' to 'accepted'"}
    # The first try fails in a way that may pass (held, retried in order); the retry is refused
    # for good; the next report still goes out.
    siki.side_effect = [httpx.Response(503), httpx.Response(409, json=refusal), httpx.Response(200, json={}),
                        httpx.Response(200, json={})]
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "forwarded")
        assert (await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")).status_code == 200

        async def settled() -> bool:
            reports = (await lsp.get(aid))["reports"]
            return len(reports) == 2 and reports[1]["sent_at"] is not None

        await wait_for(settled)
        sent = [(json.loads(c.request.content)["status"], c.response.status_code) for c in siki.calls]
        assert sent == [("accepted", 503), ("accepted", 409), ("invoiced", 200)]
        first, second = (await lsp.get(aid))["reports"]
        assert first["sent_at"] is None and "409" in first["last_error"] and "'returned'" in first["last_error"]
        assert first["refused_at"] is not None and second["sent_at"] is not None and second["refused_at"] is None

        admin = await lsp.as_("admin")
        r = await lsp.client.get("/api/v1/refused-reports", headers=admin)
        assert r.status_code == 200 and r.headers["X-Total-Count"] == "1", r.text
        (item,) = r.json()
        assert item["application_id"] == aid and item["status"] == "accepted" and item["attempts"] == 2
        assert item["report_id"] == first["report_id"] and "cannot move application" in item["reason"]
        r = await lsp.client.get("/api/v1/refused-reports", params={"application_id": "other"}, headers=admin)
        assert r.json() == [] and r.headers["X-Total-Count"] == "0"
        assert (await lsp.client.get("/api/v1/refused-reports", headers=await lsp.as_("asesor1"))).status_code == 403
        (entry,) = await audit(lsp, "status_report.refused")
        assert entry.target_id == first["report_id"] and entry.detail == {"status": "accepted", "http_status": 409}

        # The refused report is never sent again (the resend pass passes it by).
        from services.lsp.usecases.reports import applications_with_unsent_reports, resend_unsent

        assert await applications_with_unsent_reports(lsp.app.state.lsp) == []
        await resend_unsent(lsp.app.state.lsp)
        assert len(siki.calls) == 3
