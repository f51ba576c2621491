"""The outbox of status reports to SIKI (``report_status``): staged in a step's transaction,
then sent in order, each until SIKI takes it. Idempotent by itself: a report is marked sent
only after SIKI's 2xx, and SIKI takes a repeated ``report_id`` once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import StatusReportRow
from services.lsp.gateways import SikiRefused
from services.lsp.usecases.context import LspContext
from shared.bus.envelope import utcnow
from shared.contracts.events import ReportPending
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice, StatusReport
from shared.contracts.states import ApplicationStatus
from shared.logging import get_logger

log = get_logger(__name__)


class ReportNotDelivered(Exception):
    pass


def stage_report(session: AsyncSession, ctx: LspContext, application_id: str, status: ApplicationStatus, *,
                 at: datetime, actor: str, note: str | None, reasons: list[str], invoice: Invoice | None,
                 assessment: AssessmentInfo | None, certificate: Certificate | None,
                 certificate_pdf_base64: str | None) -> None:
    """Add the report of a step to the outbox and, once per application and transaction, the
    event that sends it."""
    body = StatusReport(
        report_id=str(uuid.uuid4()), status=status, at=at, actor=actor, note=note, reasons=reasons,
        invoice=invoice, assessment=assessment, certificate=certificate,
        certificate_pdf_base64=certificate_pdf_base64,
    )
    session.add(StatusReportRow(report_id=body.report_id, application_id=application_id, status=status.value,
                                payload=body.model_dump(mode="json"), created_at=at, attempts=0))
    # One event per application and transaction suffices: its handler sends every unsent
    # report of the application, in order (two steps in one transaction, e.g. accepted and
    # invoiced, used to publish two events, the second finding nothing left to send).
    transaction = session.sync_session.get_transaction()
    staged = session.info.setdefault("lsp_report_pending_staged", {})
    if transaction is None or staged.get(application_id) is not transaction:
        ctx.emit(session, ReportPending(lsp_code=ctx.code, application_id=application_id))
        staged[application_id] = transaction


async def flush_reports(ctx: LspContext, application_id: str) -> int:
    """Send every unsent report of the application, oldest first; raise on the first failure
    (later reports wait behind it, so SIKI sees the steps in order). Returns how many were sent."""
    sent = 0
    async with ctx.report_locks.hold(application_id):
        async with ctx.sessions() as session:
            rows = (await session.execute(
                select(StatusReportRow.seq, StatusReportRow.report_id, StatusReportRow.payload)
                .where(StatusReportRow.application_id == application_id, StatusReportRow.sent_at.is_(None),
                       StatusReportRow.dropped_at.is_(None))
                .order_by(StatusReportRow.seq)
            )).all()
        for seq, report_id, payload in rows:
            error: str | None = None
            try:
                await ctx.siki.report_status(application_id, payload, report_id=report_id)
            except SikiRefused as exc:
                error = str(exc)  # SIKI's own answer: what the staff need to act on
            except Exception as exc:
                # Staff see a plain reason; the exception (network, client internals) is logged.
                log.warning("status report not delivered; will retry", application_id=application_id,
                            report_id=report_id, error=repr(exc))
                error = "SIKI not reachable; the report will be sent again"
            async with ctx.sessions() as session, session.begin():
                values: dict[str, object] = {"attempts": StatusReportRow.attempts + 1, "last_error": error}
                if error is None:
                    values["sent_at"] = utcnow()
                row = StatusReportRow.seq == seq
                if error is not None:  # a failure is not noted over a drop (it would read as a retry)
                    row = row & StatusReportRow.dropped_at.is_(None)
                noted = await session.execute(update(StatusReportRow).where(row).values(**values))
            if getattr(noted, "rowcount", 1) == 0:
                continue  # dropped meanwhile (the applicant withdrew): not to be retried
            if error is not None:
                log.warning("status report not delivered; will retry", application_id=application_id,
                            report_id=report_id, error=error)
                raise ReportNotDelivered(error)
            sent += 1
    return sent


async def drop_unsent(session: AsyncSession, application_id: str, why: str) -> int:
    """In the caller's transaction: the application's unsent reports will never be sent (SIKI
    would refuse them, e.g. after a withdrawal); they stay listed with ``why``."""
    dropped = await session.execute(
        update(StatusReportRow)
        .where(StatusReportRow.application_id == application_id, StatusReportRow.sent_at.is_(None),
               StatusReportRow.dropped_at.is_(None))
        .values(dropped_at=utcnow(), last_error=why))
    return int(getattr(dropped, "rowcount", 0) or 0)


async def applications_with_unsent_reports(ctx: LspContext) -> list[str]:
    async with ctx.sessions() as session:
        rows = await session.execute(
            select(StatusReportRow.application_id)
            .where(StatusReportRow.sent_at.is_(None), StatusReportRow.dropped_at.is_(None)).distinct()
        )
        return [r[0] for r in rows.all()]


async def resend_unsent(ctx: LspContext) -> None:
    """Safety net behind the bus: reports whose retries ran out (a long SIKI outage) go out
    once SIKI answers again, without waiting for the application's next step."""
    for application_id in await applications_with_unsent_reports(ctx):
        try:
            await flush_reports(ctx, application_id)
        except Exception as exc:
            log.info("resend pass: reports still waiting", application_id=application_id, error=repr(exc))
