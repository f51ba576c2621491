"""What the portal's use cases answer: the applicant's view of applications, documents and
notifications (the response bodies of the API, field names per SPEC section 7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, PlainSerializer, WithJsonSchema
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application, Document
from services.portal.db.repositories import own_application, timeline
from services.portal.domain.certificate_status import is_issued
from services.portal.usecases.common import found, utc
from shared.contracts.siki import Certificate, Invoice
from shared.contracts.states import ApplicationStatus, CertificateStatus
from shared.database import read_session


def _iso(dt: datetime) -> str:
    return dt.isoformat()


# Written with ``datetime.isoformat`` (``+00:00``, as the portal always answered), typed date-time.
IsoDateTime = Annotated[datetime, PlainSerializer(_iso, return_type=str, when_used="json"),
                        WithJsonSchema({"type": "string", "format": "date-time"})]


class TimelineEntryOut(BaseModel):
    status: ApplicationStatus
    at: IsoDateTime | None
    actor: str
    note: str | None


class ApplicationSummary(BaseModel):
    """One entry of ``list_applications``."""

    id: str
    application_kind: str
    # perpanjangan / perubahan: the held SKK the application is about (None for baru).
    previous_skk_number: str | None = None
    status: ApplicationStatus
    lsp_code: str | None
    created_at: IsoDateTime
    updated_at: IsoDateTime


class CertificateOut(Certificate):
    """The certificate with its status at LPJK (``certificate.status_changed``): ``active`` while
    LPJK changed nothing; ``superseded_by`` the replacing certificate's recording number."""

    status: CertificateStatus = CertificateStatus.ACTIVE
    status_reason: str | None = None
    status_seq: int = 0
    superseded_by: str | None = None


class ApplicationOut(ApplicationSummary):
    """An application as the applicant sees it: its sections, the timeline mirrored from SIKI,
    the invoice and certificate once issued, and the reasons of the last return or rejection."""

    submission_no: int
    sections: dict[str, Any]
    timeline: list[TimelineEntryOut]
    invoice: Invoice | None
    certificate: CertificateOut | None
    reasons: list[str]


class InvoiceOut(Invoice):
    application_id: str
    status: ApplicationStatus


class DocumentOut(BaseModel):
    id: str
    kind: str
    sha256: str
    content_type: str
    size: int


class PaymentProofOut(BaseModel):
    application_id: str
    status: str
    proof_no: int
    document: DocumentOut


class NotificationOut(BaseModel):
    id: str
    application_id: str | None
    status: str | None
    message: str
    created_at: datetime


class StoredFile(BaseModel):
    """Bytes to hand out as a download, with what the response says about them."""

    data: bytes
    content_type: str
    sha256: str


def application_out(app: Any, entries: Sequence[Any]) -> ApplicationOut:
    """``app`` is an :class:`Application` or a row of ``VIEW_COLUMNS``; ``entries`` its timeline."""
    return ApplicationOut(
        id=app.id, application_kind=app.application_kind, previous_skk_number=app.previous_skk_number,
        status=app.status, submission_no=app.submission_no,
        lsp_code=app.lsp_code, created_at=utc(app.created_at), updated_at=utc(app.updated_at),
        sections=app.sections, invoice=app.invoice, reasons=app.reasons,
        # A status LPJK sent before SIKI's certificate arrived is no certificate yet.
        certificate=app.certificate if is_issued(app.certificate) else None,
        timeline=[TimelineEntryOut(status=e.status, at=e.at, actor=e.actor, note=e.note) for e in entries],
    )


async def application_view(session: AsyncSession, app: Application) -> ApplicationOut:
    """The application with its timeline read in ``session`` (which flushes pending entries first)."""
    return application_out(app, await timeline(session, app.id))


async def own_view(sessions: async_sessionmaker[AsyncSession], user_id: str, application_id: str) -> ApplicationOut:
    """The owner's application as it is now: the answer to a request replayed after its effects
    committed (shared/idempotency_marks.py), read without acting or checking anything again."""
    async with read_session(sessions) as s:
        return await application_view(s, found(await own_application(s, user_id, application_id)))


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(id=d.id, kind=d.kind, sha256=d.sha256, content_type=d.content_type, size=d.size)
