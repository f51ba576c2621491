"""The one timeline writer: every step of an application is a timeline entry, the
application's new status and its ``application.status_changed`` event, written together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications
from services.siki.db.common import AnyRow, aware
from services.siki.usecases.context import Emit, utcnow
from shared.contracts.events import StatusChanged
from shared.contracts.siki import Certificate, Invoice
from shared.contracts.states import ApplicationStatus

S = ApplicationStatus


@dataclass(frozen=True)
class Step:
    row: dict[str, Any]  # the timeline entry
    event: StatusChanged


class Timeline:
    """The next steps of one application, numbered on from its last ``seq``; the events name
    the application's LSP, applicant, invoice and certificate."""

    def __init__(self, application_id: str, *, last_seq: int, status: ApplicationStatus | None, lsp_code: str,
                 applicant_user_id: str, applicant_email: str, invoice: dict[str, Any] | None = None,
                 certificate: dict[str, Any] | None = None) -> None:
        self.application_id = application_id
        self.seq = last_seq
        self.status = status
        self.lsp_code = lsp_code
        self.applicant_user_id = applicant_user_id
        self.applicant_email = applicant_email
        self.documents(invoice, certificate)
        self.steps: list[Step] = []

    @classmethod
    def of(cls, head: AnyRow) -> Timeline:
        """From an application's step columns (``db.applications.STEP_COLUMNS``)."""
        return cls(head.id, last_seq=head.last_seq or 0, status=S(head.status) if head.status else None,
                   lsp_code=head.lsp_code, applicant_user_id=head.applicant_user_id,
                   applicant_email=head.applicant_email, invoice=head.invoice, certificate=head.certificate)

    def documents(self, invoice: dict[str, Any] | None, certificate: dict[str, Any] | None) -> None:
        """The invoice and certificate that the events of the following steps carry."""
        self.invoice = Invoice.model_validate(invoice) if invoice else None
        self.certificate = Certificate.model_validate(certificate) if certificate else None

    def add(self, status: ApplicationStatus, *, at: datetime, actor: str, note: str | None = None,
            reasons: list[str] | None = None) -> Step:
        at = aware(at)  # a naive time from a caller is taken as UTC
        previous, self.seq, self.status = self.status, self.seq + 1, status
        row = {"application_id": self.application_id, "seq": self.seq, "status": status.value,
               "previous_status": previous.value if previous else None, "at": at, "actor": actor, "note": note,
               "reasons": list(reasons or [])}
        event = StatusChanged(
            application_id=self.application_id, seq=self.seq, status=status, previous_status=previous, at=at,
            actor=actor, note=note, reasons=list(reasons or []), lsp_code=self.lsp_code,
            applicant_user_id=self.applicant_user_id, applicant_email=self.applicant_email,
            invoice=self.invoice, certificate=self.certificate,
        )
        step = Step(row, event)
        self.steps.append(step)
        return step

    async def write(self, s: AsyncSession, emit: Emit, **changes: Any) -> None:
        """Move the application to the last step (``changes``: its other columns that change
        with it), insert the entries and stage their events."""
        assert self.status is not None and self.steps
        await applications.update_application(s, self.application_id, {
            "status": self.status.value, "last_seq": self.seq, "updated_at": utcnow(), **changes})
        await self.write_entries(s, emit)

    async def write_entries(self, s: AsyncSession, emit: Emit) -> None:
        """Insert the entries and stage their events (the caller wrote the application's row)."""
        await applications.insert_timeline(s, [step.row for step in self.steps])
        for step in self.steps:
            emit(s, step.event)
