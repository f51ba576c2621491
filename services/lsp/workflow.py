"""The LSP's workflow steps, shared by its API, its webhook receiver and its issuance steps.

Other modules of the LSP (``services/lsp/issuance``) call :func:`record_step` and
:func:`issuance_facts`; keep their signatures. Every status change the LSP makes goes through
:func:`record_step`: the timeline row, the status report to SIKI and the event that sends it
are written in the caller's transaction, so a crash or a SIKI outage loses nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.context import LspContext, context_of
from services.lsp.db.models import Application, Assessment, Scheme, Staff, StatusReportRow, TimelineEntry
from services.lsp.db.models import Invoice as InvoiceRow
from services.lsp.domain.calendar import add_working_days, is_overdue
from services.lsp.domain.machine import Action, ActionRefused, check_action
from services.lsp.domain.scheduling import (
    Booking,
    assessment_day,
    assessor_problems,
    busy_key,
    is_double_booked,
)
from services.lsp.security import StaffPrincipal
from shared.bus.envelope import utcnow
from shared.contracts.events import lsp_event
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice, StatusReport
from shared.contracts.states import ApplicationStatus, TransitionError, check_transition
from shared.errors import FieldError, Problem, not_found, validation_problem
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)

S = ApplicationStatus
REPORT_PENDING = "report_pending"
ISSUANCE_REQUESTED = "issuance_requested"


@dataclass(frozen=True)
class IssuanceFacts:
    """What BNSP, LPJK and the e-certificate need to know of a Kompeten application."""

    application_id: str
    lsp_code: str
    lsp_name: str
    status: ApplicationStatus
    nik: str
    full_name: str
    email: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    decided_at: datetime


# --- the two functions the issuance steps use ---------------------------------------------


async def record_step(
    session: AsyncSession,
    runtime: ServiceRuntime,
    application_id: str,
    status: ApplicationStatus,
    *,
    actor: str,
    note: str | None = None,
    reasons: list[str] | None = None,
    invoice: Invoice | None = None,
    assessment: AssessmentInfo | None = None,
    certificate: Certificate | None = None,
    certificate_pdf_base64: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """In the caller's transaction: check the transition (raise ``Problem`` 409 if not
    allowed), move the application, append to its timeline, and stage the report to SIKI."""
    app = await load_application(session, application_id)
    await apply_step(
        session, context_of(runtime), app, status, actor=actor, note=note, reasons=reasons, invoice=invoice,
        assessment=assessment, certificate=certificate, certificate_pdf_base64=certificate_pdf_base64,
        extra=extra, report=True,
    )


async def issuance_facts(session: AsyncSession, application_id: str) -> IssuanceFacts:
    """The facts of an application for issuance (raise ``Problem`` 404 if unknown)."""
    app = await load_application(session, application_id)
    personal = app.sections.get("personal") or {}
    return IssuanceFacts(
        application_id=app.id,
        lsp_code=app.lsp_code,
        lsp_name=app.lsp_name,
        status=ApplicationStatus(app.status),
        nik=app.nik,
        full_name=str(personal.get("full_name") or app.full_name),
        email=str(personal.get("email") or app.email),
        klasifikasi_code=app.klasifikasi_code,
        subklasifikasi_code=app.subklasifikasi_code,
        kualifikasi=app.kualifikasi,
        jabatan_kerja_code=app.jabatan_kerja_code,
        jenjang=app.jenjang,
        decided_at=app.decided_at or app.updated_at,
    )


# --- building blocks ---------------------------------------------------------------------


async def load_application(session: AsyncSession, application_id: str) -> Application:
    app = await session.get(Application, application_id)
    if app is None:
        raise not_found(f"application {application_id!r}")
    return app


def refused(exc: ActionRefused) -> Problem:
    extra: dict[str, Any] = dict(exc.extra)
    if exc.status == 409:
        return Problem(409, exc.detail, errors=[FieldError("status", exc.detail)], **extra)
    return Problem(exc.status, exc.detail, **extra)


def check(action: Action, app: Application, staff: StaffPrincipal | None) -> None:
    try:
        check_action(action, ApplicationStatus(app.status), None if staff is None else set(staff.roles))
    except ActionRefused as exc:
        raise refused(exc) from exc


async def apply_step(
    session: AsyncSession,
    ctx: LspContext,
    app: Application,
    status: ApplicationStatus,
    *,
    actor: str,
    note: str | None = None,
    reasons: list[str] | None = None,
    invoice: Invoice | None = None,
    assessment: AssessmentInfo | None = None,
    certificate: Certificate | None = None,
    certificate_pdf_base64: str | None = None,
    extra: dict[str, Any] | None = None,
    report: bool = True,
    at: datetime | None = None,
) -> None:
    """Move ``app`` to ``status``. ``report=False`` for the steps SIKI itself has already taken
    (webhooks); everything the LSP decides is reported."""
    current = ApplicationStatus(app.status)
    try:
        check_transition(current, status)
    except TransitionError as exc:
        raise Problem(409, str(exc), errors=[FieldError("status", str(exc))], current_status=current.value) from exc
    now = at or utcnow()
    app.status = status.value
    app.updated_at = utcnow()
    if certificate is not None:
        app.certificate = certificate.model_dump(mode="json")
    session.add(TimelineEntry(application_id=app.id, status=status.value, at=now, actor=actor, note=note,
                              reasons=list(reasons or []), data=extra))
    if report:
        body = StatusReport(
            report_id=str(uuid.uuid4()), status=status, at=now, actor=actor, note=note, reasons=list(reasons or []),
            invoice=invoice, assessment=assessment, certificate=certificate,
            certificate_pdf_base64=certificate_pdf_base64,
        )
        session.add(StatusReportRow(report_id=body.report_id, application_id=app.id, status=status.value,
                                    payload=body.model_dump(mode="json"), created_at=now, attempts=0))
        # One event per application and transaction suffices: its handler sends every unsent
        # report of the application, in order (two steps in one transaction, e.g. accepted and
        # invoiced, used to publish two events, the second finding nothing left to send).
        transaction = session.sync_session.get_transaction()
        staged = session.info.setdefault("lsp_report_pending_staged", {})
        if transaction is None or staged.get(app.id) is not transaction:
            ctx.runtime.emit(session, lsp_event(ctx.code, REPORT_PENDING), {"application_id": app.id},
                             application_id=app.id)
            staged[app.id] = transaction
    await session.flush()


def staff_actor(ctx: LspContext, staff: StaffPrincipal) -> str:
    return f"{ctx.code}/{staff.username}"


def clean_reasons(reasons: list[str] | None) -> list[str]:
    return [r.strip() for r in (reasons or []) if r and r.strip()]


def require_reasons(reasons: list[str] | None, why: str) -> list[str]:
    cleaned = clean_reasons(reasons)
    if not cleaned:
        raise validation_problem([FieldError("reasons", f"at least one reason is required {why}")])
    return cleaned


def invoice_contract(row: InvoiceRow) -> Invoice:
    return Invoice(number=row.number, amount=row.amount, currency=row.currency, issued_at=row.issued_at,
                   due_date=row.due_date)


def assessment_info(a: Assessment, result: str | None = None) -> AssessmentInfo:
    return AssessmentInfo(assessor_username=a.assessor_username, tuk_code=a.tuk_code, scheduled_at=a.scheduled_at,
                          recommendation=a.recommendation,  # type: ignore[arg-type]
                          result=result)  # type: ignore[arg-type]


async def assessments_of(session: AsyncSession, application_id: str) -> list[Assessment]:
    rows = await session.execute(
        select(Assessment).where(Assessment.application_id == application_id).order_by(Assessment.round)
    )
    return list(rows.scalars().all())


# --- the staff's actions -------------------------------------------------------------------


async def verify_application(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, application_id: str,
                             decision: str, reasons: list[str] | None) -> None:
    app = await load_application(session, application_id)
    actor = staff_actor(ctx, staff)
    now = utcnow()
    if decision == "accepted":
        check(Action.ACCEPT_APPLICATION, app, staff)
        scheme = await session.get(Scheme, app.jabatan_kerja_code)
        if scheme is None:
            raise Problem(409, f"this LSP has no scheme for jabatan kerja {app.jabatan_kerja_code}",
                          errors=[FieldError("jabatan_kerja_code", "no scheme")])
        app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "accepted", staff.username, now
        app.return_reasons = None
        await apply_step(session, ctx, app, S.ACCEPTED, actor=actor, at=now,
                         note=f"FR.APL.01 direkomendasikan diterima; ditandatangani oleh {staff.username}",
                         extra={"apl01": {"recommendation": "accepted", "signed_by": staff.username,
                                          "signed_at": now.isoformat()}})
        issue_date = ctx.local_date(now)
        due = add_working_days(issue_date, ctx.settings.invoice_working_days, ctx.calendar)
        row = InvoiceRow(application_id=app.id, number=f"pending:{app.id}", amount=scheme.fee,
                         currency=scheme.currency, issued_at=now, due_date=due)
        session.add(row)
        await session.flush()
        # The row id is unique in this LSP's database: numbers never repeat, even across years.
        row.number = f"INV/{ctx.code}/{issue_date.year}/{row.id:06d}"
        await apply_step(session, ctx, app, S.INVOICED, actor=actor, invoice=invoice_contract(row),
                         note=f"Tagihan {row.number}, jatuh tempo {due.isoformat()}")
        return
    check(Action.REJECT_APPLICATION, app, staff)
    cleaned = require_reasons(reasons, "when the application is not accepted")
    app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "rejected", staff.username, now
    app.return_reasons = cleaned
    await apply_step(session, ctx, app, S.RETURNED, actor=actor, at=now, reasons=cleaned,
                     note=f"FR.APL.01 direkomendasikan tidak diterima; ditandatangani oleh {staff.username}",
                     extra={"apl01": {"recommendation": "rejected", "signed_by": staff.username,
                                      "signed_at": now.isoformat()}})


async def verify_payment(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, application_id: str,
                         decision: str, reasons: list[str] | None) -> None:
    app = await load_application(session, application_id)
    actor = staff_actor(ctx, staff)
    if decision == "valid":
        check(Action.VERIFY_PAYMENT_VALID, app, staff)
        app.payment_verified_by, app.payment_reasons = staff.username, None
        await apply_step(session, ctx, app, S.PAYMENT_VERIFIED, actor=actor, note="Bukti pembayaran sah")
        return
    check(Action.VERIFY_PAYMENT_INVALID, app, staff)
    cleaned = require_reasons(reasons, "when the payment proof is invalid")
    app.payment_verified_by, app.payment_reasons = staff.username, cleaned
    await apply_step(session, ctx, app, S.PAYMENT_REJECTED, actor=actor, reasons=cleaned,
                     note="Bukti pembayaran tidak sah")


async def start_certification(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal,
                              application_id: str) -> None:
    app = await load_application(session, application_id)
    check(Action.START_CERTIFICATION, app, staff)
    now = utcnow()
    app.certification_started_at, app.certification_started_by = now, staff.username
    await apply_step(session, ctx, app, S.IN_CERTIFICATION, actor=staff_actor(ctx, staff), at=now,
                     note="Proses Sertifikasi dimulai")


async def schedule_assessment(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, application_id: str,
                              *, assessor_username: str, tuk_code: str, scheduled_at: datetime) -> None:
    app = await load_application(session, application_id)
    check(Action.SCHEDULE_ASSESSMENT, app, staff)
    if scheduled_at.tzinfo is None:
        scheduled_at = scheduled_at.replace(tzinfo=ctx.tz)
    errors: list[FieldError] = []
    tuk = ctx.reference.tuks.get(tuk_code)
    if tuk is None or tuk.get("lsp_code") != ctx.code:
        errors.append(FieldError("tuk_code", f"{tuk_code!r} is not a TUK of {ctx.code}"))
    if scheduled_at < utcnow():
        errors.append(FieldError("scheduled_at", "the assessment cannot be scheduled in the past"))
    assessor = await session.get(Staff, assessor_username)
    previous = await assessments_of(session, app.id)
    for e in assessor_problems(
        assessor_username=assessor_username,
        assessor_roles=assessor.roles if assessor is not None and assessor.active else None,
        previous_assessors=[a.assessor_username for a in previous],
        after_upheld_appeal=app.status == S.APPEAL_UPHELD.value,
    ):
        errors.append(FieldError(e["field"], e["message"]))
    if errors:
        raise validation_problem(errors)
    day = assessment_day(scheduled_at, ctx.tz)
    key = busy_key(assessor_username, day)
    same_day = (await session.execute(
        select(Assessment.assessor_username, Assessment.scheduled_day, Assessment.busy_key)
        .where(Assessment.assessor_username == assessor_username, Assessment.scheduled_day == day)
    )).all()
    if is_double_booked(assessor_username, day, [Booking(u, d, k is not None) for u, d, k in same_day]):
        raise _double_booked(assessor_username, day)
    row = Assessment(application_id=app.id, round=len(previous) + 1, assessor_username=assessor_username,
                     tuk_code=tuk_code, scheduled_at=scheduled_at, scheduled_day=day,
                     scheduled_by=staff.username, busy_key=key)
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent booking of the same assessor and day won
        raise _double_booked(assessor_username, day) from exc
    await apply_step(session, ctx, app, S.SCHEDULED, actor=staff_actor(ctx, staff), assessment=assessment_info(row),
                     note=f"Asesmen {day.isoformat()} di {tuk_code}, asesor {assessor_username}")


def _double_booked(assessor_username: str, day: date) -> Problem:
    msg = f"{assessor_username} already has an active assessment on {day.isoformat()}"
    return Problem(409, msg, errors=[FieldError("assessor_username", msg)])


async def _current_assessment(session: AsyncSession, app: Application) -> Assessment:
    rows = await assessments_of(session, app.id)
    if not rows:
        raise Problem(409, "the application has no assessment", errors=[FieldError("status", "no assessment")])
    return rows[-1]


async def submit_assessment_report(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal,
                                   application_id: str, *, recommendation: str, notes: str | None) -> None:
    app = await load_application(session, application_id)
    check(Action.SUBMIT_ASSESSMENT_REPORT, app, staff)
    current = await _current_assessment(session, app)
    if current.assessor_username != staff.username:
        raise Problem(403, "only the assigned assessor reports on this assessment")
    current.recommendation, current.notes, current.reported_at = recommendation, notes, utcnow()
    current.busy_key = None  # reported: the assessor's day is free again
    await apply_step(session, ctx, app, S.ASSESSED, actor=staff_actor(ctx, staff),
                     assessment=assessment_info(current), note=f"Rekomendasi asesor: {recommendation}")


async def decide_competence(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, application_id: str,
                            *, result: str) -> None:
    app = await load_application(session, application_id)
    action = Action.DECIDE_KOMPETEN if result == "kompeten" else Action.DECIDE_BELUM_KOMPETEN
    check(action, app, staff)
    current = await _current_assessment(session, app)
    if current.assessor_username == staff.username:
        raise Problem(403, "the assessor of this assessment cannot decide on it")
    now = utcnow()
    current.result, current.decided_by, current.decided_at = result, staff.username, now
    app.result, app.decided_by, app.decided_at = result, staff.username, now
    target = S.COMPETENT if result == "kompeten" else S.NOT_YET_COMPETENT
    label = "Kompeten" if result == "kompeten" else "Belum Kompeten"
    await apply_step(session, ctx, app, target, actor=staff_actor(ctx, staff), at=now,
                     assessment=assessment_info(current, result), note=f"Keputusan komite: {label}")
    if target is S.COMPETENT:
        ctx.runtime.emit(session, lsp_event(ctx.code, ISSUANCE_REQUESTED), {"application_id": app.id},
                         application_id=app.id)


async def decide_appeal(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, application_id: str,
                        *, decision: str, reasons: list[str] | None = None) -> None:
    app = await load_application(session, application_id)
    check(Action.UPHOLD_APPEAL if decision == "upheld" else Action.REJECT_APPEAL, app, staff)
    # Stricter than "not the assessor of that assessment": nobody who assessed this
    # application in any round answers its appeal (REFERENCE.md, "Appeals").
    if staff.username in {a.assessor_username for a in await assessments_of(session, app.id)}:
        raise Problem(403, "an assessor of this application cannot decide its appeal")
    now = utcnow()
    app.appeal_decision, app.appeal_decided_by, app.appeal_decided_at = decision, staff.username, now
    target = S.APPEAL_UPHELD if decision == "upheld" else S.APPEAL_REJECTED
    note = "Banding diterima: asesmen ulang oleh asesor lain" if decision == "upheld" else "Banding ditolak"
    await apply_step(session, ctx, app, target, actor=staff_actor(ctx, staff), at=now,
                     reasons=clean_reasons(reasons), note=note)


# --- the deadline sweep ------------------------------------------------------------------


async def overdue_application_ids(session: AsyncSession, today: date) -> list[tuple[str, date]]:
    rows = await session.execute(
        select(Application.id, InvoiceRow.due_date)
        .join(InvoiceRow, InvoiceRow.application_id == Application.id)
        .where(Application.status.in_([S.INVOICED.value, S.PAYMENT_REJECTED.value]), InvoiceRow.due_date < today)
        .order_by(InvoiceRow.due_date, Application.id)
    )
    return [(r[0], r[1]) for r in rows.all()]


async def run_deadline_sweep(ctx: LspContext, today: date) -> list[str]:
    """Cancel every application whose invoice is unpaid past its due date (one transaction
    each, so one failure does not hold the others back)."""
    async with ctx.runtime.sessions() as session:
        candidates = await overdue_application_ids(session, today)
    cancelled: list[str] = []
    for application_id, due in candidates:
        try:
            async with ctx.runtime.sessions() as session, session.begin():
                app = await load_application(session, application_id)
                if app.status not in (S.INVOICED.value, S.PAYMENT_REJECTED.value) or not is_overdue(due, today):
                    continue  # paid (or moved on) since the query
                await apply_step(session, ctx, app, S.CANCELLED, actor=f"{ctx.code}/system",
                                 note=f"Dibatalkan: pembayaran tidak diterima sampai {due.isoformat()}")
            cancelled.append(application_id)
        except Exception as exc:
            log.warning("deadline sweep could not cancel", application_id=application_id, error=repr(exc))
    return cancelled
