"""The one query behind ``fetch_application_document``: a document as one application references
it (in its sections or as a payment proof), never any document of the account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, Document, DocumentReference
from shared.contracts.states import ApplicationStatus

# Built once. The document must be the application owner's and the application past its draft:
# a draft was never sent to anyone, so nobody fetches from it.
_APPLICATION_DOCUMENT = (
    select(Document.id, Document.kind, Document.sha256, Document.content_type, Document.size,
           Document.created_at, DocumentReference.source, Application.lsp_code)
    .join(DocumentReference, DocumentReference.document_id == Document.id)
    .join(Application, Application.id == DocumentReference.application_id)
    .where(DocumentReference.application_id == bindparam("application_id"),
           DocumentReference.document_id == bindparam("document_id"),
           Application.user_id == Document.user_id,
           Application.status != ApplicationStatus.DRAFT.value)
)


async def application_document(session: AsyncSession, application_id: str,
                               document_id: str) -> Row[*tuple[Any, ...]] | None:
    """The document's row, the reference's source and the application's LSP; None when the
    application does not reference it (or either is unknown)."""
    return (await session.execute(_APPLICATION_DOCUMENT,
                                  {"application_id": application_id, "document_id": document_id})).first()
