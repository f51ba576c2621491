"""The workflow's core, shared by every use case: load an application, check an action, move
the application one step (timeline row, status report to SIKI and the event that sends it, all
in the caller's transaction, so a crash or a SIKI outage loses nothing), and run a staff action
in one transaction. :class:`Workflow` is what the issuance steps are given (``WorkflowPort``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services.lsp.db.models import Application, Assessment, OutboxEvent, Staff, StatusReportRow, TimelineEntry
from services.lsp.db.models import Invoice as InvoiceRow
from services.lsp.db.views import ApplicationParts, application_with_parts
from services.lsp.domain.machine import Action, check_action
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.ports import IssuanceFacts
from services.lsp.usecases.queries import application_view, may_see
from services.lsp.usecases.reports import stage_report
from services.lsp.usecases.staff import StaffPrincipal
from shared.bus.envelope import utcnow
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice
from shared.contracts.states import ApplicationStatus, TransitionError, check_transition
from shared.exceptions import Conflict, Invalid, NotFound
from shared.idempotency_marks import remember, replayed
from shared.staged_rows import flush_with_staged


async def load_application(session: AsyncSession, application_id: str) -> Application:
    app = await session.get(Application, application_id)
    if app is None:
        raise NotFound(f"application {application_id!r} not found")
    return app


async def load_with_parts(session: AsyncSession, application_id: str, *,
                          notes: bool = False) -> tuple[Application, ApplicationParts]:
    """The application and the child rows its view shows, in one statement (with ``notes``, also
    writing the request's idempotency notes)."""
    found = await application_with_parts(session, application_id, notes=notes)
    if found is None:
        raise NotFound(f"application {application_id!r} not found")
    return found


def check(action: Action, app: Application, staff: StaffPrincipal | None) -> None:
    """Refuse (``RoleRefused``, ``StateRefused``, ``KindRefused``) unless ``staff`` (None: SIKI or
    the system) may take ``action`` in the application's state, for its kind."""
    check_action(action, ApplicationStatus(app.status), None if staff is None else set(staff.roles),
                 app.application_kind)


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
    forms: list[dict[str, Any]] | None = None,
) -> None:
    """Move ``app`` to ``status``. ``report=False`` for the steps SIKI itself has already taken
    (webhooks); everything the LSP decides is reported, with ``forms`` (``forms.report_forms``)
    when the step signs FR.APL.01."""
    current = ApplicationStatus(app.status)
    try:
        check_transition(current, status)
    except TransitionError as exc:
        raise Conflict(str(exc), errors=[{"field": "status", "message": str(exc)}],
                       current_status=current.value) from exc
    now = at or utcnow()
    app.status = status.value
    app.updated_at = utcnow()
    if certificate is not None:
        app.certificate = certificate.model_dump(mode="json")
    session.add(TimelineEntry(application_id=app.id, status=status.value, at=now, actor=actor, note=note,
                              reasons=list(reasons or []), data=extra))
    if report:
        stage_report(session, app.id, status, at=now, actor=actor, note=note, reasons=list(reasons or []),
                     invoice=invoice, assessment=assessment, certificate=certificate,
                     certificate_pdf_base64=certificate_pdf_base64, forms=forms)
    # The application's row (its version checked) first, then its timeline entry, its report
    # and any event the step staged (a Kompeten decision's issuance) with one statement (on
    # PostgreSQL; each was a round trip of the flush).
    await flush_with_staged(session, TimelineEntry, StatusReportRow, OutboxEvent)


async def act(ctx: LspContext, staff: StaffPrincipal, application_id: str,
              step: Callable[[AsyncSession, Application], Awaitable[None]], *,
              before: Callable[[], Awaitable[None]] | None = None) -> dict[str, Any]:
    """Run one staff action in one transaction and answer with the application as it is now.

    One session and one transaction throughout: the visibility check reads the application the
    step then uses, and the answer is read back from the database (what the step stored, as a
    fresh read would show) before the commit, in the same transaction: a second one only for
    the answer cost a BEGIN and a ROLLBACK more per action. If the commit fails the answer is
    never sent.

    ``before``: what must hold or be done before the step's transaction (it may refuse). It is
    part of acting, so a replay of a step that committed skips it: its checks are of the state
    before the step, which the step has left behind."""
    if (notes := replayed()) is not None and notes.get("acted_on") == application_id:
        # This very request (same Idempotency-Key) committed its step in an attempt that died
        # before answering: answer as it would have, without acting (or checking) twice.
        async with ctx.sessions() as session:
            app, parts = await load_with_parts(session, application_id)
            await may_see(session, staff, app)
            return application_view(app, parts, ctx.settings.pkb_minimum_table)
    if before is not None:
        await before()
    async with ctx.sessions() as session:
        try:
            async with session.begin():
                app = await load_application(session, application_id)
                await may_see(session, staff, app)
                await step(session, app)
                remember(acted_on=application_id)
                # Flushed first: expiring discards what is not yet written.
                await session.flush()
                session.expire_all()  # the answer shows what was stored, as a fresh read would
                # The read also writes the note (on PostgreSQL): not an UPDATE of its own at the commit.
                view = application_view(*await load_with_parts(session, application_id, notes=True),
                                        ctx.settings.pkb_minimum_table)
        except StaleDataError as exc:
            raise Conflict("the application changed meanwhile; reload it and try again",
                           errors=[{"field": "status", "message": "concurrent change"}]) from exc
        return view


def staff_actor(ctx: LspContext, staff: StaffPrincipal) -> str:
    return f"{ctx.code}/{staff.username}"


def clean_reasons(reasons: list[str] | None) -> list[str]:
    return [r.strip() for r in (reasons or []) if r and r.strip()]


def require_reasons(reasons: list[str] | None, why: str) -> list[str]:
    cleaned = clean_reasons(reasons)
    if not cleaned:
        raise Invalid.field("reasons", f"at least one reason is required {why}")
    return cleaned


def invoice_contract(row: InvoiceRow) -> Invoice:
    return Invoice(number=row.number, amount=row.amount, currency=row.currency, issued_at=row.issued_at,
                   due_date=row.due_date)


def assessment_info(a: Assessment, result: str | None = None, *, assessor_name: str | None = None,
                    tuk_name: str | None = None) -> AssessmentInfo:
    return AssessmentInfo(assessor_username=a.assessor_username, tuk_code=a.tuk_code, scheduled_at=a.scheduled_at,
                          recommendation=a.recommendation,  # type: ignore[arg-type]
                          result=result,  # type: ignore[arg-type]
                          assessor_name=assessor_name, tuk_name=tuk_name)


async def described_assessment(session: AsyncSession, ctx: LspContext, a: Assessment,
                               result: str | None = None, *, assessor: Staff | None = None) -> AssessmentInfo:
    """The assessment as reported to SIKI, with the names the applicant is told (the TUK's
    name from the reference data, the asesor's full name), not only their codes. ``assessor``:
    the account if the caller has it already loaded; otherwise only its name is read (not the
    whole account, password hash included)."""
    if assessor is not None and assessor.username == a.assessor_username:
        full_name = assessor.full_name
    else:
        full_name = await session.scalar(select(Staff.full_name).where(Staff.username == a.assessor_username))
    # Accounts created before staff had names have none.
    assessor_name = str(full_name or a.assessor_username)
    tuk = ctx.reference.tuks.get(a.tuk_code) or {}
    return assessment_info(a, result, assessor_name=assessor_name, tuk_name=str(tuk.get("name") or a.tuk_code))


_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def local_moment(at: datetime, tz: tzinfo) -> str:
    """A moment as the applicant reads it, in the LSP's zone: ``Jumat, 04-12-2026 pukul 09.00 WIB``."""
    local = at.astimezone(tz)
    return f"{_DAYS[local.weekday()]}, {local:%d-%m-%Y} pukul {local:%H.%M} {local.tzname() or ''}".rstrip()


# What the assessment is called to the applicant, by kind of application (a change has none).
ASSESSMENT_LABELS = {"baru": "Asesmen", "perpanjangan": "Uji kompetensi perpanjangan"}


def schedule_note(info: AssessmentInfo, tz: tzinfo, application_kind: str = "baru") -> str:
    """The ``scheduled`` step's note: what (a renewal's is the "uji kompetensi perpanjangan"),
    when (date and time in the LSP's zone), where and with whom."""
    assert info.scheduled_at is not None
    tuk = f"{info.tuk_name} ({info.tuk_code})" if info.tuk_name and info.tuk_name != info.tuk_code else info.tuk_code
    assessor = info.assessor_name or info.assessor_username
    label = ASSESSMENT_LABELS.get(application_kind, "Asesmen")
    return f"{label} dijadwalkan {local_moment(info.scheduled_at, tz)} di {tuk}, asesor {assessor}"


async def assessments_of(session: AsyncSession, application_id: str) -> list[Assessment]:
    rows = await session.execute(
        select(Assessment).where(Assessment.application_id == application_id).order_by(Assessment.round)
    )
    return list(rows.scalars().all())


class Workflow:
    """The workflow as the issuance steps see it (:class:`~services.lsp.usecases.ports.WorkflowPort`)."""

    def __init__(self, ctx: LspContext) -> None:
        self.ctx = ctx

    async def record_step(
        self,
        session: AsyncSession,
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
        app = await load_application(session, application_id)
        await apply_step(
            session, self.ctx, app, status, actor=actor, note=note, reasons=reasons, invoice=invoice,
            assessment=assessment, certificate=certificate, certificate_pdf_base64=certificate_pdf_base64,
            extra=extra, report=True,
        )

    async def issuance_facts(self, session: AsyncSession, application_id: str) -> IssuanceFacts:
        app = await load_application(session, application_id)
        personal = app.sections.get("personal") or {}
        held = app.previous_certificate or {}
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
            application_kind=app.application_kind,
            previous_skk_number=app.previous_skk_number,
            replaces=held.get("recording_number"),
            previous_valid_until=date.fromisoformat(held["valid_until"]) if held.get("valid_until") else None,
        )

    async def applications_in(self, session: AsyncSession, statuses: Sequence[ApplicationStatus]) -> list[str]:
        rows = await session.execute(select(Application.id).where(Application.status.in_([s.value for s in statuses])))
        return list(rows.scalars())
