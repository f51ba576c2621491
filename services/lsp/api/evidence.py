"""``get_application_document``: a document of an application, opened inline by this LSP's
staff (SPEC section 8, "Evidence"; docs/CONTRACTS.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from services.lsp.api.deps import AnyStaff, Ctx
from services.lsp.domain.evidence import INLINE_TYPES
from services.lsp.usecases import evidence
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE: dict[int | str, dict[str, Any]] = {200: {"description": "The document's bytes, checked against its SHA-256",
                                               "content": dict.fromkeys(INLINE_TYPES, BINARY)}}


@router.get("/applications/{application_id}/documents/{document_id}", operation_id="get_application_document",
            tags=["applications"], response_class=Response, responses=FILE)
async def get_application_document(ctx: Ctx, staff: AnyStaff, application_id: str, document_id: str) -> Response:
    """Any staff member who may see the application (an assessor: those assigned to them); each
    view is audited. 404 for an unknown application or document, 502 when the bytes do not
    match the reference, 503 when SIKI or the portal cannot be reached."""
    doc = await evidence.open_document(ctx, staff, application_id, document_id)
    return Response(doc.data, media_type=doc.content_type,
                    headers={"Content-Disposition": doc.disposition, "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})
