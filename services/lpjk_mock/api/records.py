"""``create_record`` (LSPs) and ``revoke_record`` (LPJK operators)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.lpjk_mock.api.deps import CallerDep, RecordsDep, RecordsOperator, require_lsp
from services.lpjk_mock.api.schemas import RecordAnswer, RevokeRequest
from shared.contracts.issuance import RecordRequest
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1", tags=["recording"])


@router.post(
    "/records",
    operation_id="create_record",
    response_model=RecordAnswer,
    status_code=201,
    responses={**PROBLEM_RESPONSES, 200: {"description": "a repeat: the record already made", "model": RecordAnswer}},
    summary="Record an SKK; returns the recording number and the signed QR code (idempotent per SKK number)",
)
async def create_record(body: RecordRequest, response: Response, caller: CallerDep,
                        records: RecordsDep) -> RecordAnswer:
    """201 for a new record (and the ``skk.recorded`` event); 200 with the same recording number
    and QR payload for a repeat; 409 if a repeat changes the facts; 403 if the caller is not the
    LSP named; 422 for inconsistent facts."""
    require_lsp(caller, body.lsp_code)
    recorded = await records.create(body)
    response.status_code = 201 if recorded.created else 200
    return RecordAnswer.of(recorded)


@router.post(
    "/records/{recording_number}/revoke",
    operation_id="revoke_record",
    response_model=RecordAnswer,
    responses=PROBLEM_RESPONSES,
    summary="Revoke a recorded SKK (LPJK operators, role records); verification answers revoked from then on",
)
async def revoke_record(recording_number: str, body: RevokeRequest, operator: RecordsOperator,
                        records: RecordsDep) -> RecordAnswer:
    """404 for an unknown recording number; revoking again keeps the first revocation."""
    return RecordAnswer.of(await records.revoke(recording_number, body.reason, actor=operator.actor,
                                                client=operator.client))
