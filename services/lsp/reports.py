"""Sending the staged status reports to SIKI (``report_status``), in order, each until SIKI
takes it. Idempotent by itself: a report is marked sent only after SIKI's 2xx, and SIKI
takes a repeated ``report_id`` once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update

from services.lsp.context import LspContext
from services.lsp.db.models import StatusReportRow
from shared.bus.envelope import utcnow
from shared.logging import get_logger

log = get_logger(__name__)


class ReportNotDelivered(Exception):
    pass


async def flush_reports(ctx: LspContext, application_id: str) -> int:
    """Send every unsent report of the application, oldest first; raise on the first failure
    (later reports wait behind it, so SIKI sees the steps in order). Returns how many were sent."""
    sent = 0
    async with ctx.report_locks.hold(application_id):
        async with ctx.runtime.sessions() as session:
            rows = (await session.execute(
                select(StatusReportRow.seq, StatusReportRow.report_id, StatusReportRow.payload)
                .where(StatusReportRow.application_id == application_id, StatusReportRow.sent_at.is_(None))
                .order_by(StatusReportRow.seq)
            )).all()
        for seq, report_id, payload in rows:
            error: str | None = None
            try:
                resp = await ctx.siki.request("POST", f"/api/v1/applications/{application_id}/status",
                                              json=payload, idempotency_key=report_id)
                if not 200 <= resp.status_code < 300:
                    error = f"SIKI answered {resp.status_code}: {resp.text[:500]}"
            except Exception as exc:
                error = repr(exc)
            async with ctx.runtime.sessions() as session, session.begin():
                values: dict[str, object] = {"attempts": StatusReportRow.attempts + 1, "last_error": error}
                if error is None:
                    values["sent_at"] = utcnow()
                await session.execute(update(StatusReportRow).where(StatusReportRow.seq == seq).values(**values))
            if error is not None:
                log.warning("status report not delivered; will retry", application_id=application_id,
                            report_id=report_id, error=error)
                raise ReportNotDelivered(error)
            sent += 1
    return sent


async def applications_with_unsent_reports(ctx: LspContext) -> list[str]:
    async with ctx.runtime.sessions() as session:
        rows = await session.execute(
            select(StatusReportRow.application_id).where(StatusReportRow.sent_at.is_(None)).distinct()
        )
        return [r[0] for r in rows.all()]


async def resend_loop(ctx: LspContext) -> None:
    """Safety net behind the bus: reports whose retries ran out (a long SIKI outage) go out
    once SIKI answers again, without waiting for the application's next step."""
    while True:
        await asyncio.sleep(ctx.settings.report_resend_interval_seconds)
        for application_id in await applications_with_unsent_reports(ctx):
            try:
                await flush_reports(ctx, application_id)
            except Exception as exc:
                log.info("resend pass: reports still waiting", application_id=application_id, error=repr(exc))
