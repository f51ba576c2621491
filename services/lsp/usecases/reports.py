"""The outbox of status reports to SIKI (``report_status``): staged in a step's transaction,
then sent in order, each until SIKI takes it. Idempotent by itself: a report is marked sent
only after SIKI's 2xx, and SIKI takes a repeated ``report_id`` once.

A report SIKI refuses for good (a 4xx such as 409: its state machine does not allow the step)
is marked ``refused`` with SIKI's answer and never sent again, and the application's later
reports still go out, in order. Holding them behind it would block the application forever:
the same report would be refused again (SIKI leads for the steps it records itself, so a 409 is
a real divergence, not a race), while a later report is either valid at SIKI or refused in turn
and listed too. SIKI keeps each refusal for its operators (``list_refused_reports``), who can
apply it (``accepted``, in order) or drop it. A failure that may pass (unreachable, 5xx, 429,
401/403 while a key is rotated) still stops the queue, and the retry sends in order."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db import report_flush
from services.lsp.db.models import StatusReportRow
from services.lsp.gateways import SikiRefused
from services.lsp.usecases import report_sender
from services.lsp.usecases.context import LspContext
from shared.bus.envelope import utcnow
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice, StatusReport
from shared.contracts.states import ApplicationStatus
from shared.database import engine_of, read_session
from shared.dblocks import HeldKey, try_session_lock
from shared.logging import get_logger

log = get_logger(__name__)


class ReportNotDelivered(Exception):
    pass


# SIKI's answers that the same report will get again (bad request, unknown application, the
# state machine, a report id used, an invalid body): the report is refused for good. Any other
# (401/403 while a key is rotated, 408, 429, 5xx) may pass: the report is retried.
REFUSED_FOR_GOOD = frozenset({400, 404, 409, 410, 413, 422})


def stage_report(session: AsyncSession, application_id: str, status: ApplicationStatus, *,
                 at: datetime, actor: str, note: str | None, reasons: list[str], invoice: Invoice | None,
                 assessment: AssessmentInfo | None, certificate: Certificate | None,
                 certificate_pdf_base64: str | None, forms: list[dict[str, Any]] | None = None) -> None:
    """Add the report of a step to the outbox, to be sent when the step commits (with the
    application's forms, when given: SIKI keeps them for the applicant)."""
    body = StatusReport(
        report_id=str(uuid.uuid4()), status=status, at=at, actor=actor, note=note, reasons=reasons,
        invoice=invoice, assessment=assessment, certificate=certificate,
        certificate_pdf_base64=certificate_pdf_base64,
    )
    payload = body.model_dump(mode="json")
    if forms:
        payload["forms"] = forms
    session.add(StatusReportRow(report_id=body.report_id, application_id=application_id, status=status.value,
                                payload=payload, created_at=at, attempts=0))
    # Sent by this process once the step commits (report_sender.py); two steps in one
    # transaction (accepted and invoiced) are one send of both, in order.
    report_sender.stage(session, application_id)


async def flush_reports(ctx: LspContext, application_id: str) -> int:
    """Send every unsent report of the application, oldest first; raise on the first failure
    that may pass (later reports wait behind it, so SIKI sees the steps in order). A report SIKI
    refuses for good is marked refused (audited) and the next one goes. Returns how many were sent.

    The application's lock (across processes) is taken by the statement that reads the unsent
    reports and, after the last one was sent, released by the statement that marks them: two
    round trips for a flush, however many reports it sends (``db/report_flush.py``). A report is
    marked after the ones it went with; a process that dies in between sends them again, and
    SIKI answers a report it has by its ``report_id``."""
    sent = 0
    async with ctx.report_locks.across_by_hand(ctx.sessions, application_id) as held:
        rows = await report_flush.unsent(engine_of(ctx.sessions), held, application_id)
        delivered: list[int] = []  # sent, marked together (SIKI takes a report again by its id)
        for seq, report_id, payload in rows:
            error: str | None = None
            refused, answered = False, None
            try:
                await ctx.siki.report_status(application_id, payload, report_id=report_id)
            except SikiRefused as exc:
                error = str(exc)  # SIKI's own answer: what the staff need to act on
                refused, answered = exc.status_code in REFUSED_FOR_GOOD, exc.status_code
            except Exception as exc:
                # Staff see a plain reason; the exception (network, client internals) is logged.
                log.warning("status report not delivered; will retry", application_id=application_id,
                            report_id=report_id, error=repr(exc))
                error = "SIKI not reachable; the report will be sent again"
            if error is None:
                delivered.append(seq)
                continue
            # The ones sent before it are noted first: a failure below ends the flush.
            sent += await _mark_sent(ctx, held, delivered, release=False)
            delivered = []
            values: dict[str, object] = {"attempts": StatusReportRow.attempts + 1, "last_error": error}
            if refused:
                values.update(refused_at=utcnow(), payload=None)  # never sent again: nothing to keep
            # A failure is not noted over a drop (it would read as a retry).
            row = (StatusReportRow.seq == seq) & StatusReportRow.dropped_at.is_(None)
            async with ctx.sessions() as session, session.begin():  # with its audit record
                result = await session.execute(update(StatusReportRow).where(row).values(**values))
                noted = int(getattr(result, "rowcount", 1) or 0)
                if refused and noted:
                    await ctx.auditor.record(session, actor="SIKI", action="status_report.refused",
                                             target_type="status_report", target_id=report_id,
                                             application_id=application_id,
                                             detail={"status": payload.get("status"), "http_status": answered})
            if noted == 0:
                continue  # dropped meanwhile (the applicant withdrew): not to be retried
            if refused:
                log.warning("status report refused by SIKI for good; later reports go on",
                            application_id=application_id, report_id=report_id, error=error)
                continue
            log.warning("status report not delivered; will retry", application_id=application_id,
                        report_id=report_id, error=error)
            raise ReportNotDelivered(error)
        sent += await _mark_sent(ctx, held, delivered, release=True)
    return sent


async def _mark_sent(ctx: LspContext, held: HeldKey | None, seqs: list[int], *, release: bool) -> int:
    """Note the reports ``seqs`` as sent, in one statement (atomic by itself; with ``release`` it
    also releases the application's lock); returns how many it marked (a dropped one stays dropped)."""
    if not seqs:
        return 0
    return await report_flush.mark_sent(engine_of(ctx.sessions), held, seqs, utcnow(), release=release)


async def drop_unsent(session: AsyncSession, application_id: str, why: str) -> int:
    """In the caller's transaction: the application's unsent reports will never be sent (SIKI
    would refuse them, e.g. after a withdrawal); they stay listed with ``why``."""
    dropped = await session.execute(
        update(StatusReportRow)
        .where(StatusReportRow.application_id == application_id, *report_flush.UNSENT)
        .values(dropped_at=utcnow(), last_error=why, payload=None))
    return int(getattr(dropped, "rowcount", 0) or 0)


async def list_refused(ctx: LspContext, *, application_id: str | None, limit: int,
                       offset: int) -> tuple[list[dict[str, Any]], int]:
    """The reports SIKI refused for good, newest refusal first, with SIKI's answer; and how many."""
    where: list[ColumnElement[bool]] = [StatusReportRow.refused_at.is_not(None)]
    if application_id is not None:
        where.append(StatusReportRow.application_id == application_id)
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(
            select(StatusReportRow.report_id, StatusReportRow.application_id, StatusReportRow.status,
                   StatusReportRow.created_at, StatusReportRow.refused_at, StatusReportRow.attempts,
                   StatusReportRow.last_error)
            .where(*where).order_by(StatusReportRow.refused_at.desc(), StatusReportRow.seq.desc())
            .limit(limit).offset(offset)
        )).all()
        total = int(await session.scalar(select(func.count()).select_from(StatusReportRow).where(*where)) or 0)
    return [{"report_id": r.report_id, "application_id": r.application_id, "status": r.status,
             "created_at": r.created_at, "refused_at": r.refused_at, "attempts": r.attempts,
             "reason": r.last_error or ""} for r in rows], total


async def applications_with_unsent_reports(ctx: LspContext) -> list[str]:
    async with read_session(ctx.sessions) as session:
        rows = await session.execute(
            select(StatusReportRow.application_id).where(*report_flush.UNSENT).distinct()
        )
        return [r[0] for r in rows.all()]


async def resend_unsent(ctx: LspContext) -> None:
    """Safety net behind the sending after each commit (report_sender.py): reports whose retries
    ran out (a long SIKI outage), or that a stopped process left unsent, go out once SIKI answers
    again, without waiting for the application's next step. One process of the LSP resends at a
    time (the others skip the pass; each flush holds its application's lock anyway, so two
    passes would only queue behind each other)."""
    async with try_session_lock(ctx.sessions, f"lsp:{ctx.code}:report-resend") as mine:
        if not mine:
            return
        for application_id in await applications_with_unsent_reports(ctx):
            try:
                await flush_reports(ctx, application_id)
            except Exception as exc:
                log.info("resend pass: reports still waiting", application_id=application_id, error=repr(exc))
