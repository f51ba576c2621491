"""``create_issuance``: an LSP's issuance plan in, the SKK and registration numbers out."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Depends, Request, Response

from services.bnsp_mock.db import repository
from services.bnsp_mock.domain import numbers
from shared.auth import bearer_token, verify_service_token
from shared.bus import utcnow
from shared.contracts.issuance import IssuanceRequest, IssuanceResponse
from shared.errors import PROBLEM_RESPONSES, Problem, validation_problem
from shared.reference import get_reference
from shared.runtime import ServiceRuntime

router = APIRouter(prefix="/api/v1", tags=["issuance"])

AUDIENCE = "bnsp"


async def service_caller(request: Request) -> str:
    runtime: ServiceRuntime = request.app.state.runtime
    return verify_service_token(
        bearer_token(request),
        secret=runtime.settings.service_token_secret.get_secret_value(),
        audience=AUDIENCE,
    )


@router.post(
    "/issuances",
    operation_id="create_issuance",
    response_model=IssuanceResponse,
    status_code=201,
    responses={**PROBLEM_RESPONSES, 200: {"description": "a repeat: the numbers already issued",
                                          "model": IssuanceResponse}},
    summary="Issue the SKK number and BNSP registration number (idempotent per LSP and application)",
)
async def create_issuance(
    body: IssuanceRequest, request: Request, response: Response, caller: str = Depends(service_caller)
) -> IssuanceResponse:
    """201 with fresh numbers; 200 with the same numbers for a repeat of the same plan; 409 if
    a repeat changes its facts; 403 if the caller is not that LSP or the LSP is not licensed
    for the jabatan kerja; 422 for an inconsistent plan."""
    if caller != f"lsp:{body.lsp_code}":
        raise Problem(403, f"service {caller!r} may not request issuance for {body.lsp_code}",
                      errors=[{"field": "lsp_code", "message": "must be the calling LSP"}])
    inconsistent, licence = numbers.plan_problems(get_reference(), body)
    if inconsistent:
        raise validation_problem(inconsistent)
    if licence:
        raise Problem(403, licence[0]["message"], errors=licence)
    runtime: ServiceRuntime = request.app.state.runtime
    row, created = await repository.issue(runtime.sessions, body, utcnow())
    response.status_code = 201 if created else 200
    return IssuanceResponse(
        lsp_code=row.lsp_code,
        application_id=row.application_id,
        skk_number=row.skk_number,
        registration_number=row.registration_number,
        # SQLite hands back naive datetimes; they were stored in UTC.
        issued_at=row.issued_at if row.issued_at.tzinfo else row.issued_at.replace(tzinfo=UTC),
    )
