"""``fetch_application_document``: SIKI fetches one document of one application, for the LSP the
application was submitted to (SPEC section 8, "Evidence"). The portal serves it only as that
application references it (its submitted sections or a payment proof), only to the LSP the
application names, decrypted from the store, and records every fetch in its audit log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.service_documents import application_document
from services.portal.storage import DocumentStore
from shared.audit import Auditor
from shared.exceptions import NotFound

ACTION = "document.fetched_for_lsp"


@dataclass(frozen=True)
class ServedDocument:
    data: bytes
    kind: str
    content_type: str
    sha256: str
    source: str  # "section" or "payment_proof"


def _not_found() -> NotFound:
    # One answer for an unknown application, an unknown document, a document this application
    # does not reference and an application of another LSP: nothing tells which.
    return NotFound("document not found for this application",
                    errors=[{"field": "document_id", "message": "no such document in this application"}])


class ServiceDocuments:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: DocumentStore, auditor: Auditor) -> None:
        self.sessions = sessions
        self.store = store
        self.auditor = auditor

    async def fetch(self, caller: str, application_id: str, document_id: str, lsp_code: str,
                    client: str | None = None) -> ServedDocument:
        """The document's bytes for ``caller`` (SIKI) acting for ``lsp_code``; the fetch is
        recorded (who, for which LSP, which document) in the same transaction as its lookup."""
        async with self.sessions() as s, s.begin():
            row = await application_document(s, application_id, document_id)
            if row is None or row.lsp_code != lsp_code or not self.store.exists(row.sha256):
                raise _not_found()
            await self.auditor.record(s, actor=f"service:{caller}", action=ACTION, target_type="document",
                                      target_id=document_id, application_id=application_id, client=client,
                                      detail={"lsp_code": lsp_code, "kind": row.kind, "source": row.source,
                                              "sha256": row.sha256, "size": row.size})
        data = await self.store.get(row.sha256)
        return ServedDocument(data=data, kind=row.kind, content_type=row.content_type, sha256=row.sha256,
                              source=row.source)
