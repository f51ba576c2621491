"""The lpjk service's own request and response models (the shared ones are in
``shared.contracts.issuance``)."""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import BaseModel, Field

from services.lpjk_mock.usecases.records import Recorded
from services.lpjk_mock.usecases.status import StatusAnswer
from shared.contracts.issuance import RecordResponse
from shared.contracts.states import CertificateStatus


class RecordAnswer(RecordResponse):
    # The QR code itself (PNG, base64) for callers that do not render their own from
    # ``verification_url``, which is what it encodes.
    qr_png_base64: str = Field(
        description="the QR code encoding verification_url, as a base64 PNG",
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/png"},
    )

    @classmethod
    def of(cls, recorded: Recorded) -> RecordAnswer:
        return cls(
            recording_number=recorded.recording_number, skk_number=recorded.skk_number,
            registration_number=recorded.registration_number, qr_payload=recorded.qr_payload,
            verification_url=recorded.verification_url, issued_on=recorded.issued_on,
            valid_until=recorded.valid_until, qr_png_base64=base64.b64encode(recorded.qr_png).decode(),
        )


class RevokeRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class StatusChangeRequest(BaseModel):
    """An operator's suspension, reinstatement or revocation of a certificate."""

    reason: str = Field(min_length=1, max_length=500, description="why (kept with the certificate, 1..500 chars)")


class CertificateStatusAnswer(BaseModel):
    """A certificate's standing after an operator's action."""

    recording_number: str
    status: CertificateStatus
    previous_status: CertificateStatus
    changed: bool = Field(description="false for a repeat: the certificate already stood so; nothing changed")
    reason: str | None = Field(description="the reason of the change that put it in this standing")
    changed_at: datetime | None
    status_seq: int = Field(description="the seq of its last certificate.status_changed event")
    superseded_by: str | None = None

    @classmethod
    def of(cls, answer: StatusAnswer) -> CertificateStatusAnswer:
        return cls(recording_number=answer.recording_number, status=CertificateStatus(answer.status),
                   previous_status=CertificateStatus(answer.previous_status), changed=answer.changed,
                   reason=answer.reason, changed_at=answer.changed_at, status_seq=answer.status_seq,
                   superseded_by=answer.superseded_by)


class QrVerifyRequest(BaseModel):
    qr_payload: str = Field(min_length=1, max_length=8000,
                            description=("what the QR code encodes: the whole URL (``{PUBLIC_URL}/V/"
                                         "<compact COSE_Sign1, base45 variant>`` now, ``...?qr=<JWS>`` on "
                                         "older codes), or the bare payload of either form"))


class SigningKey(BaseModel):
    """One of LPJK's Ed25519 public keys as a JWK (RFC 8037), with its PEM for convenience."""

    kty: str = Field(examples=["OKP"])
    crv: str = Field(examples=["Ed25519"])
    alg: str = Field(examples=["EdDSA"])
    use: str = Field(examples=["sig"])
    kid: str
    x: str = Field(description="the raw public key, base64url without padding")
    public_key_pem: str


class SigningKeys(BaseModel):
    keys: list[SigningKey]
