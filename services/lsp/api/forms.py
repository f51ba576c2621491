"""An application's FR.APL.01 and FR.APL.02 as PDFs, for this LSP's staff (an asesor: only the
applications assigned to them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from services.lsp.api.deps import AnyStaff, Ctx
from services.lsp.usecases import forms
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["applications"])
PDF: dict[int | str, dict[str, Any]] = {200: {"description": "The form as a PDF (APL-01 signed once verified)",
             "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


def _pdf(pdf: bytes, name: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/applications/{application_id}/forms/apl01", operation_id="download_apl01",
            response_class=Response, responses=PDF)
async def download_apl01(ctx: Ctx, staff: AnyStaff, application_id: str) -> Response:
    """FR.APL.01 filled from the application; signed by the LSP with the admin's recommendation,
    name and time once verified."""
    return _pdf(*await forms.download(ctx, staff, application_id, "apl01"))


@router.get("/applications/{application_id}/forms/apl02", operation_id="download_apl02",
            response_class=Response, responses=PDF)
async def download_apl02(ctx: Ctx, staff: AnyStaff, application_id: str) -> Response:
    """FR.APL.02: the scheme's units of competence with the applicant's self-assessment (K/BK)."""
    return _pdf(*await forms.download(ctx, staff, application_id, "apl02"))
