"""Document uploads (checked by content, size-limited, content-addressed) and the internal fetch
through which SIKI and the LSPs read them by reference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response

from services.portal.api.deps import CurrentUser, DocumentsDep
from services.portal.api.schemas import DocumentOut
from services.portal.domain.documents import ALLOWED_TYPES
from shared.auth import service_caller_dependency
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["documents"])

BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.post("/documents", operation_id="upload_document", status_code=201, response_model=DocumentOut,
             responses={**PROBLEM_RESPONSES, 413: {"description": "too large"}, 415: {"description": "bad type"}})
async def upload_document(kind: Annotated[str, Form()], file: Annotated[UploadFile, File()], user: CurrentUser,
                          documents: DocumentsDep) -> DocumentOut:
    return await documents.upload(user.id, kind, file)


# SIKI and the LSPs, each with a service token signed with its own key.
InternalCaller = Annotated[str, Depends(service_caller_dependency(
    "portal", lambda caller: caller == "siki" or caller.startswith("lsp:"),
))]


@router.get("/internal/documents/{document_id}", operation_id="fetch_document", tags=["internal"],
            response_class=Response,
            responses={200: {"content": dict.fromkeys(ALLOWED_TYPES, BINARY), "description": "The document's bytes"},
                       **PROBLEM_RESPONSES})
async def fetch_document(document_id: str, caller: InternalCaller, documents: DocumentsDep) -> Response:
    doc = await documents.fetch(document_id, caller)
    return Response(doc.data, media_type=doc.content_type,
                    headers={"X-Content-SHA256": doc.sha256, "Cache-Control": "private, no-store"})
