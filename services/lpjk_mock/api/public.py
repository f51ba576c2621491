"""LPJK's public verification: by recording number, by QR payload, and its public keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from services.lpjk_mock.api.deps import VerificationDep
from services.lpjk_mock.api.schemas import QrVerifyRequest, SigningKey, SigningKeys
from shared.contracts.issuance import VerificationResult
from shared.errors import problem_responses
from shared.throttle import client_of

router = APIRouter(prefix="/api/v1/public", tags=["public verification"])

QrToken = Annotated[str | None, Query(alias="qr", max_length=8000,
                                      description="the JWS the QR code carries (optional)")]
RecordingNumber = Annotated[str, Path(max_length=64, description="e.g. LPJK-2026-7KD3-M9QX-2HZ4")]


@router.get(
    "/certificates/{recording_number}",
    operation_id="verify_certificate",
    response_model=VerificationResult,
    responses=problem_responses(422, 429),
    summary="Verify a certificate by its LPJK recording number (public)",
)
async def verify_certificate(recording_number: RecordingNumber, request: Request, verification: VerificationDep,
                             qr_token: QrToken = None) -> VerificationResult:
    """200 with ``valid`` for any number: an unknown one answers ``valid: false`` with reason
    ``"unknown recording number"`` (a mistyped one, caught by its check symbol, says so), so a
    scanner needs one code path. The QR code opens this URL with ``?qr=<JWS>``; when present,
    the payload's signature is checked too and must name this record. 429 with Retry-After once
    this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``)."""
    return await verification.certificate(recording_number, qr_token, client=client_of(request))


@router.post(
    "/qr/verify",
    operation_id="verify_qr_payload",
    response_model=VerificationResult,
    responses=problem_responses(422, 429),
    summary="Verify a QR payload's LPJK signature offline (public)",
)
async def verify_qr_payload(body: QrVerifyRequest, request: Request,
                            verification: VerificationDep) -> VerificationResult:
    """The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked.
    Throttled per address together with ``verify_certificate``."""
    return await verification.qr_payload(body.qr_payload, client=client_of(request))


@router.get(
    "/keys",
    operation_id="list_signing_keys",
    response_model=SigningKeys,
    summary="LPJK's Ed25519 public keys by key id (JWKS), for offline QR verification",
)
async def list_signing_keys(verification: VerificationDep) -> SigningKeys:
    return SigningKeys(keys=[SigningKey.model_validate(k) for k in verification.signing_keys()])
