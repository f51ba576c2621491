"""The payloads crossing SIKI's boundaries: portal -> SIKI commands, SIKI -> LSP webhooks
(Standard Webhooks), LSP -> SIKI status reports. Field names follow SPEC section 7."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.contracts.documents import DocumentRef
from shared.contracts.states import ApplicationStatus

Kualifikasi = Literal["Operator", "Teknisi/Analis", "Ahli"]


class Invoice(BaseModel):
    number: str
    amount: Decimal
    currency: str = "IDR"
    issued_at: datetime
    due_date: date


class Certificate(BaseModel):
    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: date
    valid_until: date
    qr_payload: str
    verification_url: str | None = None
    pdf_sha256: str | None = None


class TimelineItem(BaseModel):
    status: ApplicationStatus
    at: datetime
    actor: str
    note: str | None = None


class Applicant(BaseModel):
    user_id: str
    email: str
    full_name: str


class ApplicationSubmission(BaseModel):
    """portal -> SIKI ``submit_application``; SIKI forwards the same body to the LSP."""

    id: str
    submission_no: int = Field(1, ge=1, description="1 for the first submission, +1 for each resubmission")
    applicant: Applicant
    nik: str
    lsp_code: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: Kualifikasi
    jabatan_kerja_code: str
    jenjang: int = Field(ge=1, le=9)
    application_kind: str = "baru"
    submitted_at: datetime
    # The seven sections exactly as the applicant saved them (SPEC section 7).
    sections: dict[str, Any]
    documents: list[DocumentRef] = Field(default_factory=list)


class SubmissionAccepted(BaseModel):
    id: str
    status: ApplicationStatus
    lsp_code: str


class PaymentProofSubmission(BaseModel):
    """portal -> SIKI ``upload_payment_proof``."""

    proof_no: int = Field(1, ge=1, description="+1 for each proof uploaded; makes retries idempotent")
    document: DocumentRef
    uploaded_at: datetime


class AppealSubmission(BaseModel):
    """portal -> SIKI ``file_appeal``."""

    reason: str = Field(min_length=10, max_length=4000)
    filed_at: datetime


class AssessmentInfo(BaseModel):
    assessor_username: str | None = None
    tuk_code: str | None = None
    scheduled_at: datetime | None = None
    recommendation: Literal["K", "BK"] | None = None
    result: Literal["kompeten", "belum_kompeten"] | None = None


class StatusReport(BaseModel):
    """LSP -> SIKI ``report_status``: one step of the LSP's workflow."""

    report_id: str = Field(description="unique per report; a retried report with the same id takes effect once")
    status: ApplicationStatus
    at: datetime
    actor: str
    note: str | None = None
    reasons: list[str] = Field(default_factory=list)
    invoice: Invoice | None = None
    assessment: AssessmentInfo | None = None
    certificate: Certificate | None = None
    # Sent once with ``certificate_issued``: the signed e-certificate PDF, base64.
    certificate_pdf_base64: str | None = None


# --- webhooks SIKI -> LSP ----------------------------------------------------------------

WebhookType = Literal[
    "application.submitted",
    "application.resubmitted",
    "payment.proof_uploaded",
    "appeal.filed",
    "application.completed",
]


class PaymentProofWebhookData(BaseModel):
    application_id: str
    proof_no: int
    document: DocumentRef
    uploaded_at: datetime


class AppealWebhookData(BaseModel):
    application_id: str
    reason: str
    filed_at: datetime


class WebhookBody(BaseModel):
    """The JSON body of every webhook (Standard Webhooks' ``type``/``timestamp``/``data``)."""

    type: WebhookType
    timestamp: datetime
    data: dict[str, Any]
