"""``fetch_application_document``: an LSP reads a document of an application submitted to it
(SPEC section 8, "Evidence"). SIKI checks the application is with the calling LSP, fetches the
document from the portal by reference with its own service token (the portal checks again that
the application references it), and records every relay, and every refusal, in its audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.siki.db.documents import lsp_of
from services.siki.usecases.context import Actor, SikiContext, sha256_hex
from shared.database import autocommit_read
from shared.exceptions import DomainError, NotFound

RELAYED = "document.relayed"
REFUSED = "document.relay_refused"


@dataclass(frozen=True)
class FetchedDocument:
    data: bytes
    content_type: str
    kind: str | None = None


class PortalDocuments(Protocol):
    """The portal's ``fetch_application_document`` (services/siki/portal_gateway.py): raises
    NotFound, UpstreamRefused (an answer SIKI cannot use) or Unavailable (unreachable)."""

    async def fetch(self, application_id: str, document_id: str, lsp_code: str) -> FetchedDocument: ...


def _not_found() -> NotFound:
    # The same for an unknown application and one of another LSP: nothing tells the caller it exists.
    return NotFound("document not found for this application",
                    errors=[{"field": "document_id", "message": "no such document in an application of this LSP"}])


async def relay_document(ctx: SikiContext, portal: PortalDocuments, actor: Actor, lsp_code: str,
                         application_id: str, document_id: str) -> FetchedDocument:
    async with autocommit_read(ctx.engine) as conn:
        owner = await lsp_of(conn, application_id)
    detail: dict[str, object] = {"lsp_code": lsp_code}
    if owner != lsp_code:
        reason = "unknown application" if owner is None else "application of another LSP"
        await ctx.auditor.record_alone(ctx.sessions, actor=actor.name, action=REFUSED, target_type="document",
                                       target_id=document_id, application_id=application_id, client=actor.client,
                                       detail={**detail, "reason": reason})
        raise _not_found()
    try:
        doc = await portal.fetch(application_id, document_id, lsp_code)
    except DomainError as exc:
        await ctx.auditor.record_alone(ctx.sessions, actor=actor.name, action=REFUSED, target_type="document",
                                       target_id=document_id, application_id=application_id, client=actor.client,
                                       detail={**detail, "reason": f"portal: {exc.detail}"[:200]})
        raise
    await ctx.auditor.record_alone(ctx.sessions, actor=actor.name, action=RELAYED, target_type="document",
                                   target_id=document_id, application_id=application_id, client=actor.client,
                                   detail={**detail, "kind": doc.kind, "sha256": sha256_hex(doc.data),
                                           "size": len(doc.data)})
    return doc
