"""Payment: the invoice issued on acceptance, the admin's verification of the payment proof
(``verify_payment``), the due date as the payment proof's deadline (``refuse_late_proof``: a proof
uploaded after the end of the due date, Asia/Jakarta, is refused on arrival), and the deadline
sweep that cancels applications unpaid past the due date and flags appeals not decided in time
(``run_deadline_sweep``, also run periodically)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Scheme
from services.lsp.db.models import Invoice as InvoiceRow
from services.lsp.domain.machine import Action
from services.lsp.domain.payment_deadline import is_proof_late, late_proof_message
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.decisions import flag_overdue_appeals
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import (
    act,
    apply_step,
    check,
    invoice_contract,
    load_application,
    require_reasons,
    staff_actor,
)
from shared.calendar import add_working_days, is_overdue
from shared.contracts.states import ApplicationStatus as S
from shared.database import read_session
from shared.dblocks import try_session_lock
from shared.exceptions import Conflict, Invalid
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger

log = get_logger(__name__)

UNPAID = (S.INVOICED, S.PAYMENT_REJECTED)


async def issue_invoice(session: AsyncSession, ctx: LspContext, app: Application, scheme: Scheme, *, actor: str,
                        at: datetime) -> None:
    """The scheme's fee, due after the LSP's number of working days (holidays excluded)."""
    issue_date = ctx.local_date(at)
    due = add_working_days(issue_date, ctx.settings.invoice_working_days, ctx.calendar)
    row = InvoiceRow(application_id=app.id, number=f"pending:{app.id}", amount=scheme.fee,
                     currency=scheme.currency, issued_at=at, due_date=due)
    session.add(row)
    await session.flush()
    # The row id is unique in this LSP's database: numbers never repeat, even across years.
    row.number = f"INV/{ctx.code}/{issue_date.year}/{row.id:06d}"
    await apply_step(session, ctx, app, S.INVOICED, actor=actor, invoice=invoice_contract(row),
                     note=f"Tagihan {row.number}, jatuh tempo {due.isoformat()}")


async def verify_payment(ctx: LspContext, staff: StaffPrincipal, application_id: str,
                         decision: Literal["valid", "invalid"], reasons: list[str] | None) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        actor = staff_actor(ctx, staff)
        if decision == "valid":
            check(Action.VERIFY_PAYMENT_VALID, app, staff)
            app.payment_verified_by, app.payment_reasons = staff.username, None
            await apply_step(session, ctx, app, S.PAYMENT_VERIFIED, actor=actor, note="Bukti pembayaran sah")
            await audit(ctx, session, staff, "payment.verified", application_id=app.id,
                        detail={"decision": decision, "proof_no": app.payment_proof_no})
            return
        check(Action.VERIFY_PAYMENT_INVALID, app, staff)
        cleaned = require_reasons(reasons, "when the payment proof is invalid")
        app.payment_verified_by, app.payment_reasons = staff.username, cleaned
        await apply_step(session, ctx, app, S.PAYMENT_REJECTED, actor=actor, reasons=cleaned,
                         note="Bukti pembayaran tidak sah")
        await audit(ctx, session, staff, "payment.verified", application_id=app.id,
                    detail={"decision": decision, "proof_no": app.payment_proof_no})

    return await act(ctx, staff, application_id, step)


async def sweep_deadlines(ctx: LspContext, as_of: date | None, staff: StaffPrincipal | None = None) -> dict[str, Any]:
    """``run_deadline_sweep``: sweep today, or (dev mode only) ``as_of`` as if it were today.

    The sweep's result is the request's idempotency note, committed with its audit entry (the
    sweep's last transaction): a retry of the same keyed request whose first attempt died after
    it answers that result, before any check, and sweeps nothing (a second sweep would find
    nothing left and answer empty lists: not what the sweep the client asked for did). A death
    before that commit left no note: the retry sweeps again, and answers what is left to do
    (each cancellation and flag before it committed on its own, and stands)."""
    if (swept := _swept_by_this_request()) is not None:
        return swept
    if as_of is not None and not ctx.settings.is_dev:
        raise Invalid.field("as_of", "as_of is accepted only in dev mode")
    today = as_of or ctx.local_date()
    cancelled = await cancel_unpaid(ctx, today)
    appeals_overdue = await flag_overdue_appeals(ctx, today)
    result = {"as_of": today.isoformat(), "cancelled": cancelled, "appeals_overdue": appeals_overdue}
    # Each cancellation committed alone: the sweep is recorded once, after them.
    async with ctx.sessions() as session, session.begin():
        if staff is not None:
            await audit(ctx, session, staff, "deadline_sweep.run", target_type=None, detail=result)
        remember(deadline_sweep=json.dumps(result))
    return {**result, "as_of": today}


def _swept_by_this_request() -> dict[str, Any] | None:
    """The result of the sweep this very request (same Idempotency-Key) ran in an attempt that
    died before answering, or None."""
    notes = replayed()
    if notes is None or "deadline_sweep" not in notes:
        return None
    result: dict[str, Any] = json.loads(str(notes["deadline_sweep"]))
    return {**result, "as_of": date.fromisoformat(result["as_of"])}


async def overdue_application_ids(session: AsyncSession, today: date) -> list[tuple[str, date]]:
    rows = await session.execute(
        select(Application.id, InvoiceRow.due_date)
        .join(InvoiceRow, InvoiceRow.application_id == Application.id)
        .where(Application.status.in_([s.value for s in UNPAID]), InvoiceRow.due_date < today)
        .order_by(InvoiceRow.due_date, Application.id)
    )
    return [(r[0], r[1]) for r in rows.all()]


async def run_deadline_sweep(ctx: LspContext, today: date) -> list[str]:
    """The periodic sweep: cancel what is unpaid past its due date, flag appeals not decided in
    time; the cancelled applications. With several processes one sweeps at a time and the
    others skip the pass (each change is safe twice anyway: the application's version column
    refuses the second writer, which would only log a warning)."""
    async with try_session_lock(ctx.sessions, f"lsp:{ctx.code}:deadline-sweep") as mine:
        if not mine:
            return []
        cancelled = await cancel_unpaid(ctx, today)
        await flag_overdue_appeals(ctx, today)
        return cancelled


async def cancel_unpaid(ctx: LspContext, today: date) -> list[str]:
    """Cancel every application whose invoice is unpaid past its due date (one transaction
    each, so one failure does not hold the others back)."""
    async with read_session(ctx.sessions) as session:
        candidates = await overdue_application_ids(session, today)
    cancelled: list[str] = []
    for application_id, due in candidates:
        try:
            async with ctx.sessions() as session, session.begin():
                app = await load_application(session, application_id)
                if app.status not in [s.value for s in UNPAID] or not is_overdue(due, today):
                    continue  # paid (or moved on) since the query
                await apply_step(session, ctx, app, S.CANCELLED, actor=f"{ctx.code}/system",
                                 note=f"Dibatalkan: pembayaran tidak diterima sampai {due.isoformat()}")
            cancelled.append(application_id)
        except Exception as exc:
            log.warning("deadline sweep could not cancel", application_id=application_id, error=repr(exc))
    return cancelled


class LateProof(Conflict):
    """409: the proof was uploaded after the invoice's due date; the due date is named."""

    def __init__(self, message: str, due: date) -> None:
        super().__init__(message, errors=[{"field": "data.uploaded_at", "message": message}],
                         due_date=due.isoformat())


async def refuse_late_proof(session: AsyncSession, ctx: LspContext, app: Application, uploaded_at: datetime) -> None:
    """Refuse (nothing changes) a payment proof uploaded after the end of the invoice's due date
    in the LSP's zone; before it, a proof (a replacement of a rejected one too) is taken."""
    due = (await session.execute(
        select(InvoiceRow.due_date).where(InvoiceRow.application_id == app.id))).scalar_one_or_none()
    if due is not None and is_proof_late(uploaded_at, due, ctx.tz):
        message = late_proof_message(uploaded_at, due, ctx.tz)
        log.info("late payment proof refused", application_id=app.id, due_date=due.isoformat())
        raise LateProof(message, due)
