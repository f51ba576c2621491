"""``create_record`` (LSPs), ``revoke_record`` and the certificate's standing:
``suspend_certificate``, ``reinstate_certificate``, ``revoke_certificate`` (LPJK operators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from services.lpjk_mock.api.deps import CallerDep, RecordsDep, RecordsOperator, StatusesDep, require_lsp
from services.lpjk_mock.api.schemas import CertificateStatusAnswer, RecordAnswer, RevokeRequest, StatusChangeRequest
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


RecordingNumber = Annotated[str, Path(max_length=64, description="e.g. LPJK-2026-7KD3-M9QX-2HZ4")]
_STATUS_DOC = ("Audited; commits with its ``certificate.status_changed`` event (SIKI and the portal follow it). "
               "A repeat (the certificate already stands so) changes nothing and answers ``changed: false``. "
               "404 for an unknown recording number, 409 for a change its standing does not allow "
               "(``field``: ``status``), 422 for a missing or too long ``reason``.")


@router.post(
    "/records/{recording_number}/suspension",
    operation_id="suspend_certificate",
    response_model=CertificateStatusAnswer,
    responses=PROBLEM_RESPONSES,
    summary="Suspend a certificate (LPJK operators, role records): verification answers suspended",
    description="Only an active certificate can be suspended. " + _STATUS_DOC,
)
async def suspend_certificate(recording_number: RecordingNumber, body: StatusChangeRequest,
                              operator: RecordsOperator, statuses: StatusesDep) -> CertificateStatusAnswer:
    return CertificateStatusAnswer.of(await statuses.suspend(recording_number, body.reason, actor=operator.actor,
                                                             client=operator.client))


@router.post(
    "/records/{recording_number}/reinstatement",
    operation_id="reinstate_certificate",
    response_model=CertificateStatusAnswer,
    responses=PROBLEM_RESPONSES,
    summary="Reinstate a suspended certificate (LPJK operators, role records): it is active again",
    description="Only a suspended certificate can be reinstated (an active one answers as a repeat). " + _STATUS_DOC,
)
async def reinstate_certificate(recording_number: RecordingNumber, body: StatusChangeRequest,
                                operator: RecordsOperator, statuses: StatusesDep) -> CertificateStatusAnswer:
    return CertificateStatusAnswer.of(await statuses.reinstate(recording_number, body.reason,
                                                               actor=operator.actor, client=operator.client))


@router.post(
    "/records/{recording_number}/revocation",
    operation_id="revoke_certificate",
    response_model=CertificateStatusAnswer,
    responses=PROBLEM_RESPONSES,
    summary="Revoke a certificate for good (LPJK operators, role records): verification answers revoked",
    description="An active or suspended certificate can be revoked; revoked is final. " + _STATUS_DOC,
)
async def revoke_certificate(recording_number: RecordingNumber, body: StatusChangeRequest,
                             operator: RecordsOperator, statuses: StatusesDep) -> CertificateStatusAnswer:
    return CertificateStatusAnswer.of(await statuses.revoke(recording_number, body.reason, actor=operator.actor,
                                                            client=operator.client))
