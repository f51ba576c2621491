"""The one timeline writer: every step of an application is a timeline entry, the
application's new status and its ``application.status_changed`` event, written together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications
from services.siki.db.common import AnyRow, aware
from services.siki.domain.limits import AppealWindow
from services.siki.usecases.context import Emit, utcnow
from shared.contracts.events import StatusChanged
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice
from shared.contracts.states import ApplicationStatus
from shared.staged_rows import Shaped

S = ApplicationStatus
# The applicant reads times in Western Indonesian Time (no daylight saving: a fixed offset).
WIB = timezone(timedelta(hours=7), "WIB")
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def wib_moment(at: datetime) -> str:
    """``Jumat, 04-12-2026 pukul 09.00 WIB``."""
    local = aware(at).astimezone(WIB)
    return f"{_DAYS[local.weekday()]}, {local:%d-%m-%Y} pukul {local:%H.%M} WIB"


def applicant_note(note: str | None, reasons: list[str], assessment: AssessmentInfo | None,
                   appeal_until: date | None = None) -> str | None:
    """The note of a timeline entry with what the applicant needs from the step's data: the
    reasons (a return, a rejected proof, an appeal decision), the assessment's time in WIB and
    where and with whom (whatever the LSP wrote), and until when an appeal may be filed.
    Pieces the LSP's note already carries are not repeated."""
    parts = [note.strip().rstrip(".")] if note and note.strip() else []
    text = " ".join(parts)
    if reasons and not all(r in text for r in reasons):
        parts.append("Alasan: " + "; ".join(reasons))
    if assessment is not None and assessment.scheduled_at is not None:
        moment = wib_moment(assessment.scheduled_at)
        if moment not in text:
            tuk = assessment.tuk_name or assessment.tuk_code
            assessor = assessment.assessor_name or assessment.assessor_username
            where = "".join([f" di {tuk}" if tuk else "", f", asesor {assessor}" if assessor else ""])
            parts.append(f"Jadwal asesmen: {moment}{where}")
    if appeal_until is not None:
        parts.append(f"Banding dapat diajukan paling lambat {appeal_until:%d-%m-%Y}")
    return ". ".join(parts) + "." if parts else None


@dataclass(frozen=True)
class Step:
    row: dict[str, Any]  # the timeline entry
    event: StatusChanged


class Timeline:
    """The next steps of one application, numbered on from its last ``seq``; the events name
    the application's LSP, applicant, invoice and certificate."""

    def __init__(self, application_id: str, *, last_seq: int, status: ApplicationStatus | None, lsp_code: str,
                 applicant_user_id: str, applicant_email: str, invoice: dict[str, Any] | None = None,
                 certificate: dict[str, Any] | None = None, appeal_window: AppealWindow | None = None) -> None:
        self.application_id = application_id
        self.appeal_window = appeal_window
        self.seq = last_seq
        self.status = status
        self.lsp_code = lsp_code
        self.applicant_user_id = applicant_user_id
        self.applicant_email = applicant_email
        self.documents(invoice, certificate)
        self.steps: list[Step] = []

    @classmethod
    def of(cls, head: AnyRow, appeal_window: AppealWindow | None = None) -> Timeline:
        """From an application's step columns (``db.applications.STEP_COLUMNS``); with the appeal
        window, a Belum Kompeten step tells until when an appeal may be filed."""
        return cls(head.id, last_seq=head.last_seq or 0, status=S(head.status) if head.status else None,
                   lsp_code=head.lsp_code, applicant_user_id=head.applicant_user_id,
                   applicant_email=head.applicant_email, invoice=head.invoice, certificate=head.certificate,
                   appeal_window=appeal_window)

    def documents(self, invoice: dict[str, Any] | None, certificate: dict[str, Any] | None) -> None:
        """The invoice and certificate that the events of the following steps carry."""
        self.invoice = Invoice.model_validate(invoice) if invoice else None
        self.certificate = Certificate.model_validate(certificate) if certificate else None

    def add(self, status: ApplicationStatus, *, at: datetime, actor: str, note: str | None = None,
            reasons: list[str] | None = None, assessment: AssessmentInfo | None = None) -> Step:
        at = aware(at)  # a naive time from a caller is taken as UTC
        previous, self.seq, self.status = self.status, self.seq + 1, status
        appeal_until = (self.appeal_window.closes_on(at)
                        if self.appeal_window is not None and status is S.NOT_YET_COMPETENT else None)
        if reasons or assessment is not None or appeal_until is not None:
            # Only the schedule step repeats the schedule; later steps carry it for the record.
            note = applicant_note(note, list(reasons or []), assessment if status is S.SCHEDULED else None,
                                  appeal_until)
        row = {"application_id": self.application_id, "seq": self.seq, "status": status.value,
               "previous_status": previous.value if previous else None, "at": at, "actor": actor, "note": note,
               "reasons": list(reasons or [])}
        event = StatusChanged(
            application_id=self.application_id, seq=self.seq, status=status, previous_status=previous, at=at,
            actor=actor, note=note, reasons=list(reasons or []), lsp_code=self.lsp_code,
            applicant_user_id=self.applicant_user_id, applicant_email=self.applicant_email,
            invoice=self.invoice, certificate=self.certificate, assessment=assessment, appeal_until=appeal_until,
        )
        step = Step(row, event)
        self.steps.append(step)
        return step

    async def write(self, s: AsyncSession, emit: Emit, *, also: Sequence[Insert | Shaped] = (),
                    **changes: Any) -> None:
        """Move the application to the last step (``changes``: its other columns that change
        with it), insert the entries and their events (and ``also``), in one statement."""
        assert self.status is not None and self.steps
        await applications.update_application(s, self.application_id, {
            "status": self.status.value, "last_seq": self.seq, "updated_at": utcnow(), **changes},
            *self.staged(s, emit), *also)

    async def write_if(self, s: AsyncSession, emit: Emit, *, seen_last_seq: int | None, seen_status: str | None,
                       record: dict[str, Any], **changes: Any) -> bool | None:
        """:meth:`write` as a first try's one statement (``applications.update_application_if``):
        True written, False the application moved since it was read, None not tried."""
        assert self.status is not None and self.steps
        for step in self.steps:
            emit(s, step.event)
        return await applications.update_application_if(
            s, self.application_id, {"status": self.status.value, "last_seq": self.seq, "updated_at": utcnow(),
                                     **changes},
            seen_last_seq=seen_last_seq, seen_status=seen_status, timeline_rows=[step.row for step in self.steps],
            record=record)

    def staged(self, s: AsyncSession, emit: Emit) -> list[Shaped]:
        """Stage the steps' events and give the inserts of the entries and of the events, for
        the caller's statement on the application: the events ride in it instead of a flush of
        their own at commit (``applications.staged_events``)."""
        for step in self.steps:
            emit(s, step.event)
        events = applications.staged_events(s)
        entries = applications.timeline_insert([step.row for step in self.steps])
        return [entries] if events is None else [entries, events]
