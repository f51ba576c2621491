"""Document uploads (checked by content, size-limited, content-addressed) and the internal fetch
through which SIKI and the LSPs read them by reference."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from services.portal.api.deps import Applicant, PortalContext, current_user, get_portal, read_upload
from services.portal.db.models import Document
from services.portal.db.repositories import add_document_reference, fetchable_document
from services.portal.domain.documents import ALLOWED_TYPES, sha256_hex, sniff_content_type
from services.portal.domain.sections import DOCUMENT_KINDS
from shared.auth import service_caller_dependency
from shared.bus import utcnow
from shared.errors import PROBLEM_RESPONSES, Problem, validation_problem

router = APIRouter(tags=["documents"])


class DocumentOut(BaseModel):
    id: str
    kind: str
    sha256: str
    content_type: str
    size: int


def document_out(d: Document) -> DocumentOut:
    return DocumentOut(id=d.id, kind=d.kind, sha256=d.sha256, content_type=d.content_type, size=d.size)


async def store_document(portal: PortalContext, user_id: str, kind: str, file: UploadFile, *,
                         reference: tuple[str, str] | None = None) -> Document:
    """Check and keep one upload: the bytes once per content, a row per upload (committed).
    ``reference`` (application id, source): the application that names it, recorded with it."""
    data = await read_upload(file, portal.settings.max_upload_bytes)
    content_type = sniff_content_type(data)
    if content_type is None:
        raise Problem(415, f"the file must be one of {', '.join(ALLOWED_TYPES)} (judged by its content)",
                      errors=[{"field": "file", "message": "not a PDF, JPEG or PNG file"}])
    digest = sha256_hex(data)
    await portal.store.put(digest, data)
    doc = Document(id=str(uuid.uuid4()), user_id=user_id, kind=kind, sha256=digest, content_type=content_type,
                   size=len(data), created_at=utcnow())
    async with portal.runtime.sessions() as s, s.begin():
        s.add(doc)
        if reference is not None:
            await s.flush()  # the document row first (the reference points to it)
            add_document_reference(s, reference[0], doc.id, reference[1])
    return doc


@router.post("/documents", operation_id="upload_document", status_code=201, response_model=DocumentOut,
             responses={**PROBLEM_RESPONSES, 413: {"description": "too large"}, 415: {"description": "bad type"}})
async def upload_document(
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    user: Applicant = Depends(current_user),
    portal: PortalContext = Depends(get_portal),
) -> DocumentOut:
    if kind not in DOCUMENT_KINDS:
        message = f"unknown kind; one of {', '.join(sorted(DOCUMENT_KINDS))}"
        raise validation_problem([{"field": "kind", "message": message}])
    return document_out(await store_document(portal, user.id, kind, file))


def _secret(request: Request) -> str:
    return str(request.app.state.portal.settings.service_token_secret.get_secret_value())


_internal_caller = service_caller_dependency(
    _secret, lambda _: "portal", lambda caller: caller == "siki" or caller.startswith("lsp:"),
)


@router.get("/internal/documents/{document_id}", operation_id="fetch_document", tags=["internal"],
            responses={200: {"content": {t: {} for t in ALLOWED_TYPES}}, **PROBLEM_RESPONSES})
async def fetch_document(document_id: str, caller: str = Depends(_internal_caller),
                         portal: PortalContext = Depends(get_portal)) -> Response:
    async with portal.runtime.sessions() as s:
        # SIKI routes every document; an LSP reads only those an application submitted to it
        # references (its sections or payment proofs), refused exactly like an unknown id.
        lsp_code = caller.removeprefix("lsp:") if caller.startswith("lsp:") else None
        doc = await fetchable_document(s, document_id, lsp_code)
    if doc is None or not portal.store.exists(doc.sha256):
        raise Problem(404, "document not found", errors=[{"field": "document_id", "message": "no such document"}])
    data = await portal.store.get(doc.sha256)
    return Response(data, media_type=doc.content_type,
                    headers={"X-Content-SHA256": doc.sha256, "Cache-Control": "private, no-store"})
