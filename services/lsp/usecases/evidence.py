"""``get_application_document``: staff of this LSP open a document of an application submitted
to it (SPEC section 8, "Evidence"). The file is fetched by reference through SIKI (with this
LSP's own key; SIKI checks the application is with this LSP, the portal that the application
references the document), checked against the SHA-256 the submission carried, and every view
(and every mismatch) is recorded in the audit log before the bytes are handed out."""

from __future__ import annotations

from dataclasses import dataclass

from services.lsp.db.models import Application
from services.lsp.domain.evidence import Evidence, find_evidence, matches, sha256_hex, shown_as
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.queries import may_see
from services.lsp.usecases.staff import StaffPrincipal, audit
from shared.database import read_session
from shared.exceptions import NotFound, UpstreamRefused

VIEWED = "application.document_viewed"
MISMATCH = "application.document_mismatch"


@dataclass(frozen=True)
class EvidenceFile:
    data: bytes
    content_type: str
    disposition: str


def _detail(evidence: Evidence) -> dict[str, object]:
    return {"kind": evidence.kind, "source": evidence.source, "sha256": evidence.sha256, "size": evidence.size}


async def open_document(ctx: LspContext, staff: StaffPrincipal, application_id: str,
                        document_id: str) -> EvidenceFile:
    async with read_session(ctx.sessions) as session:
        app = await session.get(Application, application_id)
        if app is None:
            raise NotFound(f"application {application_id!r} not found",
                           errors=[{"field": "application_id", "message": "no such application at this LSP"}])
        await may_see(session, staff, app)
        evidence = find_evidence(app.documents, app.payment_proof, document_id)
    if evidence is None:
        raise NotFound("the application references no such document",
                       errors=[{"field": "document_id", "message": "not a document of this application"}])
    fetched = await ctx.siki.fetch_document(application_id, document_id)
    if not matches(evidence, fetched.data):
        # Not shown: the bytes are not the ones the applicant submitted (or the store is damaged).
        async with ctx.sessions() as session, session.begin():
            await audit(ctx, session, staff, MISMATCH, application_id=application_id, target_type="document",
                        target_id=document_id,
                        detail={**_detail(evidence), "received_sha256": sha256_hex(fetched.data),
                                "received_size": len(fetched.data)})
        message = ("the file received does not match the SHA-256 the application was submitted with; "
                   "it is not shown")
        raise UpstreamRefused(message, errors=[{"field": "document_id", "message": message}])
    # No record, no view: the entry commits before a byte is handed out.
    async with ctx.sessions() as session, session.begin():
        await audit(ctx, session, staff, VIEWED, application_id=application_id, target_type="document",
                    target_id=document_id, detail=_detail(evidence))
    content_type, disposition = shown_as(evidence)
    return EvidenceFile(data=fetched.data, content_type=content_type, disposition=disposition)
