"""LPJK's public verification: by recording number, by QR payload, its public keys, and the
documents an offline verifier downloads (credential, status lists, trust list)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.lpjk_mock.api.deps import CredentialsDep, VerificationDep
from services.lpjk_mock.api.schemas import QrVerifyRequest, SigningKey, SigningKeys
from shared.contracts.issuance import VerificationResult
from shared.credentials import MEDIA_TYPE, TrustList
from shared.errors import problem_responses
from shared.throttle import client_of

router = APIRouter(prefix="/api/v1/public", tags=["public verification"])

QrToken = Annotated[str | None, Query(alias="qr", max_length=8000,
                                      description="the signed payload an older QR code carries (a JWS; optional)")]
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
    scanner needs one code path. QR codes printed before the compact form open this URL with
    ``?qr=<JWS>``; when present, the payload's signature is checked too and must name this record.
    Current QR codes carry a compact COSE_Sign1 behind ``/V/``, checked by ``verify_qr_payload``.
    429 with Retry-After once this address has used its allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``)."""
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


# -- documents for verifiers (issue 16): public, cacheable, signed --------------------------------

CACHEABLE = "public, max-age=300"
VC_JWT = {"content": {MEDIA_TYPE: {"schema": {"type": "string", "description": "a compact JWS (VC-JOSE)"}}}}


def _cached(request: Request, body: str | bytes, etag: str, media_type: str) -> Response:
    """``body`` with public caching and its ETag; 304 when the client holds it already."""
    headers = {"Cache-Control": CACHEABLE, "ETag": etag}
    held = [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


@router.get(
    "/status-lists/{purpose}",
    operation_id="get_status_list",
    response_class=Response,
    responses={200: {"description": "a W3C Bitstring Status List credential, signed (vc+jwt)", **VC_JWT},
               304: {"description": "not modified (If-None-Match)"}, **problem_responses(404)},
    summary="LPJK's signed status list of revoked or suspended certificates (public, cacheable)",
)
async def get_status_list(purpose: Annotated[str, Path(description="revocation or suspension", max_length=20)],
                          request: Request, credentials: CredentialsDep) -> Response:
    """Bit ``status_list_index`` of a certificate is set when it is revoked (``revocation``) or
    suspended now (``suspension``); 131,072 entries, indexes drawn at random. Valid one day;
    cached for 5 minutes. 404 naming ``purpose`` for another purpose."""
    doc = await credentials.status_list(purpose)
    return _cached(request, doc.body, doc.etag, MEDIA_TYPE)


@router.get(
    "/credentials/{recording_number}",
    operation_id="get_credential",
    response_class=Response,
    responses={200: {"description": "the certificate as a W3C Verifiable Credential 2.0, signed (vc+jwt)",
                     **VC_JWT}, 304: {"description": "not modified (If-None-Match)"},
               **problem_responses(404, 429)},
    summary="A certificate as a signed W3C Verifiable Credential 2.0 (public)",
)
async def get_credential(recording_number: RecordingNumber, request: Request,
                         credentials: CredentialsDep) -> Response:
    """Issuer LPJK; the holder with masked name and NIK; the achievement; ``credentialStatus``
    pointing into both status lists. 404 naming ``recording_number`` for an unknown number.
    Throttled per address together with ``verify_certificate``."""
    doc = await credentials.credential(recording_number, client=client_of(request))
    return _cached(request, doc.body, doc.etag, MEDIA_TYPE)


@router.get(
    "/trust-list",
    operation_id="get_trust_list",
    response_model=TrustList,
    responses={304: {"description": "not modified (If-None-Match)"}},
    summary="The keys a verifier accepts: LPJK's (current and retired) and each LSP's PDF certificate (public)",
)
async def get_trust_list(request: Request, credentials: CredentialsDep) -> Response:
    """LPJK's Ed25519 keys (purposes qr, credential, status_list; a retired key still verifies
    what it signed) and each LSP's PDF-signing certificate (purpose pdf), with validity and status."""
    doc = credentials.trust_list_document()
    return _cached(request, doc.body, doc.etag, "application/json")
