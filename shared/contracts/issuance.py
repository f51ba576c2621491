"""LSP -> BNSP (issuance plan) and LSP -> LPJK (recording), and LPJK's public verification."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.contracts.kinds import ApplicationKind
from shared.contracts.siki import Kualifikasi
from shared.contracts.states import CertificateStatus
from shared.contracts.types import Bool, Count, Day, Timestamp, Whole


class IssuanceRequest(BaseModel):
    """BNSP ``create_issuance``: idempotent per (``lsp_code``, ``application_id``)."""

    lsp_code: str
    application_id: str
    nik: str
    full_name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: Kualifikasi
    jabatan_kerja_code: str
    jenjang: Whole = Field(ge=1, le=9)
    decided_at: Timestamp
    # perubahan keeps the SKK number of ``previous_skk_number``; perpanjangan gets a new one.
    application_kind: ApplicationKind = "baru"
    previous_skk_number: str | None = Field(default=None, max_length=64)


class IssuanceResponse(BaseModel):
    lsp_code: str
    application_id: str
    skk_number: str
    registration_number: str
    issued_at: Timestamp


class RecordRequest(BaseModel):
    """LPJK ``create_record``: idempotent per ``skk_number``."""

    lsp_code: str
    application_id: str
    skk_number: str
    registration_number: str
    nik: str
    full_name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: Kualifikasi
    jabatan_kerja_code: str
    jenjang: Whole = Field(ge=1, le=9)
    issued_on: Day
    valid_until: Day
    # A renewal or a change: the recording number of the certificate this one replaces (same
    # holder, active or suspended); LPJK marks that one ``superseded`` (issue 16).
    replaces: str | None = Field(default=None, max_length=64)


class RecordResponse(BaseModel):
    recording_number: str
    skk_number: str
    registration_number: str
    qr_payload: str
    verification_url: str
    issued_on: Day
    valid_until: Day


class VerificationResult(BaseModel):
    """Answer of ``verify_certificate`` and ``verify_qr_payload``."""

    valid: Bool
    reason: str | None = None
    recording_number: str | None = None
    skk_number: str | None = None
    registration_number: str | None = None
    holder_name_masked: str | None = None
    jabatan_kerja_code: str | None = None
    jabatan_kerja_name: str | None = None
    klasifikasi_code: str | None = None
    subklasifikasi_code: str | None = None
    kualifikasi: str | None = None
    jenjang: Count | None = None
    lsp_code: str | None = None
    issued_on: Day | None = None
    valid_until: Day | None = None
    revoked: Bool | None = None
    key_id: str | None = None
    # active / suspended / revoked / superseded / expired (None: no such certificate).
    status: CertificateStatus | None = None
    superseded_by: str | None = None  # the recording number of the certificate that replaced it
