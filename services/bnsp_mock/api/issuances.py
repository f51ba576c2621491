"""``create_issuance``: an LSP's issuance plan in, the SKK and registration numbers out."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.bnsp_mock.api.deps import CallerDep, IssuancesDep, require_lsp
from shared.contracts.issuance import IssuanceRequest, IssuanceResponse
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["issuance"])


@router.post(
    "/issuances",
    operation_id="create_issuance",
    response_model=IssuanceResponse,
    status_code=201,
    responses={**PROBLEM_RESPONSES, 200: {"description": "a repeat: the numbers already issued",
                                          "model": IssuanceResponse}},
    summary="Issue the SKK number and BNSP registration number (idempotent per LSP and application)",
)
async def create_issuance(body: IssuanceRequest, response: Response, caller: CallerDep,
                          issuances: IssuancesDep) -> IssuanceResponse:
    """201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan."""
    require_lsp(caller, body.lsp_code)
    issued = await issuances.issue(body)
    response.status_code = 201 if issued.created else 200
    return issued.issuance
