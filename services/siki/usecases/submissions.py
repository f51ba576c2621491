"""submit_application: check the rules of SPEC section 3 and forward the application to its
LSP, or refuse with one problem listing every reason (409 naming ``nik`` when the NIK is bound
to another portal account).

The NIK's check is atomic across processes: on PostgreSQL the submission's transaction holds the
NIK's advisory lock before it reads anything; on SQLite (one process) the in-process lock does.

Core statements on the few columns needed (no ORM unit of work; the stored submission is not
loaded): the head is locked, the LSP and the limits read in one round trip, the writes are one
statement per table. The checks that need no database run before a connection is taken.

A renewal (perpanjangan) or a change (perubahan) names the held SKK by ``previous_skk_number``:
SIKI finds it in its register under the same NIK (``domain/kinds.py`` has the rules), refuses a
second renewal or change of it while one may still become an SKK (409), counts the application
in place of the held SKK for the ownership limits, and forwards the register's record of it as
``previous_certificate``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications, nik_bindings, register
from services.siki.db.common import AnyRow
from services.siki.domain.consistency import date_errors, parse_date
from services.siki.domain.flow import allowed_next, submission_check
from services.siki.domain.kinds import PREVIOUS, HeldSkk, current_row, in_progress_message, kind_errors
from services.siki.domain.limits import (
    Holding,
    OwnApplication,
    application_errors,
    check_binding,
    counted_holdings,
    counts,
)
from services.siki.domain.webhooks import submission_key
from services.siki.usecases.context import SikiContext, utcnow
from services.siki.usecases.deliveries import request_delivery
from services.siki.usecases.timeline import Timeline
from shared.contracts.kinds import CHANGE, RENEWAL
from shared.contracts.siki import ApplicationSubmission, SubmissionAccepted
from shared.contracts.states import ApplicationStatus, CertificateStatus
from shared.dblocks import locked_transaction
from shared.exceptions import Conflict, Invalid
from shared.logging import get_logger
from shared.reference import check_qualification, get_reference
from shared.reference.identity import nik_errors

log = get_logger(__name__)
S = ApplicationStatus
ENDED = frozenset({CertificateStatus.SUPERSEDED, CertificateStatus.REVOKED})
Errors = list[dict[str, str]]


async def submit(ctx: SikiContext, sub: ApplicationSubmission) -> SubmissionAccepted:
    qualification, applicant = _qualification_errors(sub), _applicant_errors(sub, utcnow().date())
    account = sub.applicant.user_id
    # Across processes too: the NIK's and then the application's advisory locks (PostgreSQL)
    # before anything is read (the NIK first, everywhere).
    async with locked_transaction(ctx.sessions, (ctx.nik_locks, sub.nik), (ctx.app_locks, sub.id)) as s:
        head = await applications.submit_head(s, sub.id)
        kind = _kind(head, sub.submission_no)
        if kind == "duplicate":
            assert head is not None
            return SubmissionAccepted(id=head.id, status=S.SUBMITTED, lsp_code=head.lsp_code)
        now = utcnow()
        found = await register.standing(s, nik=sub.nik, account=account, lsp_code=sub.lsp_code,
                                        exclude_application=sub.id, today=now.date())
        check_binding(found.bound_account, account)
        previous = await _previous_skk(ctx, s, sub, found.applications, now)
        held = counted_holdings(found.register, found.applications, exclude=sub.id, now=now, window=ctx.appeal_window,
                                replacing=previous.recording_number if previous else None)
        errors = [*qualification, *_lsp_errors(sub, found.licence, head.lsp_code if head else None), *applicant]
        kind_problems = _kind_errors(sub, head, previous, now.date())
        errors += kind_problems
        if sub.application_kind not in (RENEWAL, CHANGE) or not any(e["field"] == PREVIOUS for e in kind_problems):
            # (A renewal or a change of an SKK not found, or not renewable, is refused for that
            # alone: counted as a new SKK it would only add a confusing "renew it instead".)
            errors += application_errors(held, Holding(sub.kualifikasi, sub.klasifikasi_code,
                                                       sub.subklasifikasi_code, sub.jabatan_kerja_code))
        if errors:
            raise Invalid.fields(errors, detail=f"the application cannot be submitted: {len(errors)} reason(s)")
        # The LSP is told the held SKK as SIKI's register knows it, not as the portal sent it.
        sub = sub.model_copy(update={"previous_certificate": previous.certificate() if previous else None})
        await _record(ctx, s, sub, head, resubmit=kind == "resubmit",
                      replaces=previous.recording_number if previous else None)
        if found.bound_account is None:  # the first account to submit for the NIK has it from now on
            # With the webhook's request (staged by ``_record``) instead of a flush at commit.
            events = applications.staged_events(s)
            await nik_bindings.bind(s, sub.nik, account, now, *([events] if events is not None else []))
    log.info("application submitted", application_id=sub.id, lsp_code=sub.lsp_code, submission_no=sub.submission_no)
    return SubmissionAccepted(id=sub.id, status=S.SUBMITTED, lsp_code=sub.lsp_code)


def _kind(head: AnyRow | None, submission_no: int) -> str:
    """``new``, ``duplicate`` or ``resubmit``; a resubmission out of ``returned`` conflicts."""
    try:
        return submission_check(S(head.status) if head else None, head.submission_no if head else None,
                                submission_no)
    except ValueError as exc:
        assert head is not None
        raise Conflict(str(exc), field="submission_no", current_status=head.status,
                       allowed=allowed_next(S(head.status))) from exc


async def _previous_skk(ctx: SikiContext, s: AsyncSession, sub: ApplicationSubmission,
                       own: list[OwnApplication], now: datetime) -> HeldSkk | None:
    """The register's row of the held SKK a renewal or a change names (None: a baru, or not
    registered for this NIK); 409 naming ``previous_skk_number`` while another renewal or change
    of it may still become an SKK (withdrawn, cancelled or ended ones do not block)."""
    if sub.application_kind not in (RENEWAL, CHANGE) or not sub.previous_skk_number:
        return None
    held = current_row(await register.rows_of_number(s, nik=sub.nik, skk_number=sub.previous_skk_number))
    # (A superseded or revoked SKK is refused for that: :func:`kind_errors` says why.)
    if held is not None and held.status not in ENDED and any(
            a.replaces == held.recording_number and counts(a, now, ctx.appeal_window) for a in own):
        message = in_progress_message(held)
        raise Conflict(message, errors=[{"field": PREVIOUS, "message": message}])
    return held


def _kind_errors(sub: ApplicationSubmission, head: AnyRow | None, previous: HeldSkk | None, today: date) -> Errors:
    """The kind's own rules; a resubmission keeps the kind and the held SKK of the first."""
    errors = kind_errors(kind=sub.application_kind, previous_skk_number=sub.previous_skk_number,
                         changed_fields=list(sub.changed_fields), held=previous,
                         jabatan_kerja_code=sub.jabatan_kerja_code, jenjang=sub.jenjang, today=today)
    if head is None:
        return errors
    if head.application_kind != sub.application_kind:
        errors.append({"field": "application_kind",
                       "message": f"pengajuan ulang harus tetap permohonan {head.application_kind}"})
    elif previous is not None and head.previous_recording_number not in (None, previous.recording_number):
        errors.append({"field": PREVIOUS, "message": "pengajuan ulang harus tetap untuk SKK yang sama"})
    return errors


async def _record(ctx: SikiContext, s: AsyncSession, sub: ApplicationSubmission, head: AnyRow | None, *,
                  resubmit: bool, replaces: str | None) -> None:
    """The application (inserted or updated), its ``submitted`` step and its webhook."""
    now = utcnow()
    body = sub.model_dump(mode="json")
    timeline = Timeline(sub.id, last_seq=(head.last_seq or 0) if head else 0,
                        status=S(head.status) if head is not None and head.status else None,
                        lsp_code=sub.lsp_code, applicant_user_id=sub.applicant.user_id,
                        applicant_email=sub.applicant.email)
    timeline.add(S.SUBMITTED, at=sub.submitted_at, actor="applicant",
                 note=f"resubmission #{sub.submission_no}" if resubmit else None)
    values: dict[str, Any] = {
        "nik": sub.nik, "lsp_code": sub.lsp_code, "applicant_user_id": sub.applicant.user_id,
        "applicant_email": sub.applicant.email, "klasifikasi_code": sub.klasifikasi_code,
        "subklasifikasi_code": sub.subklasifikasi_code, "kualifikasi": sub.kualifikasi,
        "jabatan_kerja_code": sub.jabatan_kerja_code, "jenjang": sub.jenjang,
        "application_kind": sub.application_kind, "previous_recording_number": replaces,
        "submission_no": sub.submission_no, "submission": body, "status": S.SUBMITTED.value,
        "last_seq": timeline.seq, "updated_at": now,
    }
    # The application, its step and the step's event in one statement.
    if head is None:
        await applications.insert_application(s, sub.id, values, now, *timeline.staged(s, ctx.emit))
    else:
        await applications.update_application(s, sub.id, values, *timeline.staged(s, ctx.emit))
    # A new submission number has no delivery yet (the delivery of a submission commits with
    # it); the unique key still guards it.
    await request_delivery(s, ctx.emit, application_id=sub.id, lsp_code=sub.lsp_code,
                           type_="application.resubmitted" if resubmit else "application.submitted",
                           data=body, dedupe_key=submission_key(sub.id, sub.submission_no), now=now)


def _qualification_errors(sub: ApplicationSubmission) -> Errors:
    # SIKI's own registry, not the reference file, says which LSPs exist and what they may
    # certify (a third-party LSP registered by an operator is not in the reference data).
    return [e for e in check_qualification(
        get_reference(), lsp_code=sub.lsp_code, klasifikasi_code=sub.klasifikasi_code,
        subklasifikasi_code=sub.subklasifikasi_code, kualifikasi=sub.kualifikasi,
        jabatan_kerja_code=sub.jabatan_kerja_code, jenjang=sub.jenjang,
    ) if e["field"] != "qualification.lsp_code"]


def _applicant_errors(sub: ApplicationSubmission, today: date) -> Errors:
    """The personal data (the NIK against birth date and gender) and the dates of the sections."""
    personal = sub.sections.get("personal")
    personal = personal if isinstance(personal, dict) else {}
    birth_date = parse_date(personal.get("birth_date"))
    gender = personal.get("gender")
    errors: Errors = []
    if personal.get("nik") not in (None, sub.nik):
        errors.append({"field": "personal.nik", "message": "differs from the submitted NIK"})
    errors += nik_errors(sub.nik, birth_date, gender if isinstance(gender, str) else None, field="personal.nik")
    if birth_date is None and personal.get("birth_date") is None:
        errors.append({"field": "personal.birth_date", "message": "required to check the NIK"})
    if gender not in ("L", "P"):
        errors.append({"field": "personal.gender", "message": "must be L or P"})
    return errors + date_errors(sub.sections, today)


def _lsp_errors(sub: ApplicationSubmission, licence: tuple[bool, list[str]] | None,
                stored_lsp_code: str | None) -> Errors:
    """The LSP registered, active and licensed for the jabatan kerja; a resubmission to the same LSP."""
    errors: Errors = []
    if licence is None:
        errors.append({"field": "qualification.lsp_code", "message": f"LSP {sub.lsp_code!r} is not registered"})
    elif not licence[0]:
        errors.append({"field": "qualification.lsp_code", "message": f"LSP {sub.lsp_code} is not active"})
    elif sub.jabatan_kerja_code not in licence[1]:
        errors.append({"field": "qualification.lsp_code",
                       "message": f"LSP {sub.lsp_code} is not licensed for jabatan kerja {sub.jabatan_kerja_code}"})
    if stored_lsp_code is not None and stored_lsp_code != sub.lsp_code:
        errors.append({"field": "qualification.lsp_code",
                       "message": f"a resubmission goes to the same LSP ({stored_lsp_code})"})
    return errors
