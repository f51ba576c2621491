"""LPJK's public verification: by recording number, by QR payload, and its public keys."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.domain import qr, records
from services.lpjk_mock.keys import QrKeyring
from shared.bus import utcnow
from shared.contracts.issuance import VerificationResult
from shared.reference import get_reference
from shared.reference.identity import mask_name
from shared.runtime import ServiceRuntime

router = APIRouter(prefix="/api/v1/public", tags=["public verification"])


class QrVerifyRequest(BaseModel):
    qr_payload: str = Field(min_length=1, max_length=8000,
                            description="the bare JWS, or the whole verification URL the QR code encodes")


class SigningKeys(BaseModel):
    keys: list[dict[str, str]]


def _jabatan_kerja_name(code: str | None) -> str | None:
    jk = get_reference().jabatan_kerja.get(code or "")
    return str(jk["name"]) if jk else None


def _from_record(row: SkkRecord, today: date, key_id: str | None = None) -> VerificationResult:
    valid, reason = records.validity(row.issued_on, row.valid_until, row.revoked_at is not None, today)
    return VerificationResult(
        valid=valid, reason=reason, recording_number=row.recording_number, skk_number=row.skk_number,
        registration_number=row.registration_number, holder_name_masked=mask_name(row.full_name),
        jabatan_kerja_code=row.jabatan_kerja_code, jabatan_kerja_name=_jabatan_kerja_name(row.jabatan_kerja_code),
        klasifikasi_code=row.klasifikasi_code, subklasifikasi_code=row.subklasifikasi_code,
        kualifikasi=row.kualifikasi, jenjang=row.jenjang, lsp_code=row.lsp_code, issued_on=row.issued_on,
        valid_until=row.valid_until, revoked=row.revoked_at is not None, key_id=key_id or row.key_id,
    )


def _keyring(request: Request) -> QrKeyring:
    return request.app.state.qr_keyring  # type: ignore[no-any-return]


@router.get(
    "/certificates/{recording_number}",
    operation_id="verify_certificate",
    response_model=VerificationResult,
    summary="Verify a certificate by its LPJK recording number (public)",
)
async def verify_certificate(
    recording_number: str,
    request: Request,
    qr_token: str | None = Query(None, alias="qr", max_length=8000,
                                 description="the JWS the QR code carries (optional)"),
) -> VerificationResult:
    """Always 200 with ``valid``: an unknown recording number answers ``valid: false`` with
    reason ``"unknown recording number"``, so a scanner needs one code path. The QR code opens
    this URL with ``?qr=<JWS>``; when present, the payload's signature is checked too and must
    name this record."""
    runtime: ServiceRuntime = request.app.state.runtime
    today = records.wib_date(utcnow())
    async with runtime.sessions() as s:
        row = await s.get(SkkRecord, recording_number)
    if row is None:
        return VerificationResult(valid=False, reason="unknown recording number", recording_number=recording_number)
    result = _from_record(row, today)
    if qr_token:
        check = qr.verify(qr_token, _keyring(request).public_keys)
        if not check.valid:
            return result.model_copy(update={"valid": False, "reason": f"QR payload: {check.reason}",
                                             "key_id": check.key_id})
        assert check.claims is not None
        if check.claims["rn"] != row.recording_number or check.claims["skk"] != row.skk_number:
            return result.model_copy(update={"valid": False, "reason": "QR payload belongs to another record"})
    return result


@router.post(
    "/qr/verify",
    operation_id="verify_qr_payload",
    response_model=VerificationResult,
    summary="Verify a QR payload's LPJK signature offline (public)",
)
async def verify_qr_payload(body: QrVerifyRequest, request: Request) -> VerificationResult:
    """The signature is checked against LPJK's public key named by the payload's ``kid``; the
    certificate's fields come from the signed claims. ``valid`` is false (with ``reason``) for a
    bad signature, an unknown key id, an expired certificate, or one LPJK has since revoked."""
    check = qr.verify(body.qr_payload, _keyring(request).public_keys)
    if not check.valid or check.claims is None:
        return VerificationResult(valid=False, reason=check.reason, key_id=check.key_id)
    c = check.claims
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.sessions() as s:
        row = await s.get(SkkRecord, str(c["rn"]))
    revoked = row is not None and row.revoked_at is not None
    valid_from, valid_until = date.fromisoformat(c["vf"]), date.fromisoformat(c["vu"])
    valid, reason = records.validity(valid_from, valid_until, revoked, records.wib_date(utcnow()))
    extra = {}
    if row is not None:
        extra = {"registration_number": row.registration_number, "klasifikasi_code": row.klasifikasi_code,
                 "subklasifikasi_code": row.subklasifikasi_code, "kualifikasi": row.kualifikasi,
                 "jenjang": row.jenjang, "lsp_code": row.lsp_code}
    return VerificationResult(
        valid=valid, reason=reason, recording_number=c["rn"], skk_number=c["skk"], holder_name_masked=c["nm"],
        jabatan_kerja_code=c["jk"], jabatan_kerja_name=_jabatan_kerja_name(c["jk"]), issued_on=valid_from,
        valid_until=valid_until, revoked=revoked, key_id=check.key_id, **extra,
    )


@router.get(
    "/keys",
    operation_id="list_signing_keys",
    response_model=SigningKeys,
    summary="LPJK's Ed25519 public keys by key id (JWKS), for offline QR verification",
)
async def list_signing_keys(request: Request) -> SigningKeys:
    ring = _keyring(request)
    return SigningKeys(keys=[qr.public_jwk(kid, key) for kid, key in ring.public_keys.items()])
