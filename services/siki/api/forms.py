"""An application's FR.APL.01 / FR.APL.02: its LSP sends them, the portal fetches them for the
applicant (SPEC section 8, docs/CONTRACTS.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response

from services.siki.api.auth import LspCaller, RegisterOperatorOrPortal
from services.siki.api.deps import SikiDep
from services.siki.usecases import forms
from shared.contracts.siki import ApplicationFormsStored, ApplicationFormsUpload
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["applications"])
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
}


@router.put("/applications/{application_id}/forms", operation_id="submit_application_forms",
            response_model=ApplicationFormsStored, responses=PROBLEM_RESPONSES)
async def submit_application_forms(application_id: str, body: ApplicationFormsUpload, siki: SikiDep,
                                   caller: LspCaller) -> ApplicationFormsStored:
    """The application's LSP sends its forms (on receipt: APL-02 and the unsigned APL-01); SIKI
    keeps the latest of each. Repeating it changes nothing."""
    return await forms.submit_forms(siki, caller.name, application_id, body)


@router.get("/applications/{application_id}/forms/{form}", operation_id="get_application_form",
            response_class=Response, responses={**PDF, **PROBLEM_RESPONSES})
async def get_application_form(application_id: str, form: Literal["apl01", "apl02"], siki: SikiDep,
                               _: RegisterOperatorOrPortal) -> Response:
    """The latest form the LSP sent; 404 while it has sent none."""
    pdf = await forms.form_pdf(siki, application_id, form)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{form}-{application_id}.pdf"'})
