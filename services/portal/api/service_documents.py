"""``fetch_application_document``: SIKI, with its own service token, fetches a document of an
application for the LSP it was submitted to (docs/CONTRACTS.md, "Evidence")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from services.portal.domain.documents import ALLOWED_TYPES
from services.portal.usecases.service_documents import ServiceDocuments
from shared.auth import service_caller_dependency
from shared.errors import PROBLEM_RESPONSES
from shared.throttle import client_of

router = APIRouter(tags=["internal"])

BINARY = {"schema": {"type": "string", "format": "binary"}}
# Only SIKI: an LSP reaches an application's documents through SIKI, which checks the
# application is with that LSP; the portal checks it again.
SikiCaller = Annotated[str, Depends(service_caller_dependency("portal", lambda caller: caller == "siki"))]


async def service_documents(request: Request) -> ServiceDocuments:
    documents: ServiceDocuments = request.app.state.service_documents
    return documents


ServiceDocumentsDep = Annotated[ServiceDocuments, Depends(service_documents)]


@router.get("/internal/applications/{application_id}/documents/{document_id}",
            operation_id="fetch_application_document", response_class=Response,
            responses={200: {"content": dict.fromkeys(ALLOWED_TYPES, BINARY),
                             "description": "The document's bytes, decrypted"},
                       **PROBLEM_RESPONSES})
async def fetch_application_document(
        application_id: str, document_id: str, caller: SikiCaller, documents: ServiceDocumentsDep, request: Request,
        lsp_code: Annotated[str, Query(min_length=1, max_length=32,
                                       description="the LSP SIKI fetches for: the application's own")]) -> Response:
    """404 alike for an unknown application or document, a document the application does not
    reference, and an application of another LSP."""
    doc = await documents.fetch(caller, application_id, document_id, lsp_code, client_of(request))
    return Response(doc.data, media_type=doc.content_type,
                    headers={"X-Content-SHA256": doc.sha256, "X-Document-Kind": doc.kind,
                             "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
