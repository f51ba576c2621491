"""``fetch_application_document``: the LSP an application was submitted to reads one of its
documents (its api key), relayed from the portal (docs/CONTRACTS.md, "Evidence")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.siki.api.auth import LspCaller
from services.siki.api.deps import SikiDep
from services.siki.usecases.documents import PortalDocuments, relay_document
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["applications"])

BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_TYPES = ("application/pdf", "image/jpeg", "image/png")


async def portal_documents(request: Request) -> PortalDocuments:
    portal: PortalDocuments = request.app.state.portal_documents
    return portal


PortalDocumentsDep = Annotated[PortalDocuments, Depends(portal_documents)]


@router.get("/applications/{application_id}/documents/{document_id}", operation_id="fetch_application_document",
            response_class=Response,
            responses={200: {"content": dict.fromkeys(FILE_TYPES, BINARY), "description": "The document's bytes"},
                       **PROBLEM_RESPONSES})
async def fetch_application_document(application_id: str, document_id: str, siki: SikiDep, caller: LspCaller,
                                     portal: PortalDocumentsDep) -> Response:
    """404 alike for an unknown application, one of another LSP and a document the application
    does not reference; 503 when the portal cannot be reached."""
    doc = await relay_document(siki, portal, caller.actor, caller.name, application_id, document_id)
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if doc.kind:
        headers["X-Document-Kind"] = doc.kind
    return Response(doc.data, media_type=doc.content_type, headers=headers)
