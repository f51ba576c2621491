"""The payloads crossing SIKI's boundaries: portal -> SIKI commands, SIKI -> LSP webhooks
(Standard Webhooks), LSP -> SIKI status reports. Field names follow SPEC section 7."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from shared.contracts.documents import DocumentRef
from shared.contracts.kinds import ApplicationKind, PreviousCertificate
from shared.contracts.states import ApplicationStatus, CertificateStatus
from shared.contracts.types import MAX_PER_APPLICATION, Bool, Count, Day, Timestamp, Whole, inline_json_schema

Kualifikasi = Literal["Operator", "Teknisi/Analis", "Ahli"]


class Invoice(BaseModel):
    number: str
    amount: Decimal
    currency: str = "IDR"
    issued_at: Timestamp
    due_date: Day


class Certificate(BaseModel):
    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: Day
    valid_until: Day
    qr_payload: str
    verification_url: str | None = None
    pdf_sha256: str | None = None


class TimelineItem(BaseModel):
    status: ApplicationStatus
    at: Timestamp
    actor: str
    note: str | None = None


class Applicant(BaseModel):
    user_id: str
    email: str
    full_name: str


class ApplicationSubmission(BaseModel):
    """portal -> SIKI ``submit_application``; SIKI forwards the same body to the LSP."""

    id: str
    submission_no: Whole = Field(1, ge=1, le=MAX_PER_APPLICATION,
                                 description="1 for the first submission, +1 for each resubmission")
    applicant: Applicant
    nik: str
    lsp_code: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: Kualifikasi
    jabatan_kerja_code: str
    jenjang: Whole = Field(ge=1, le=9)
    application_kind: ApplicationKind = "baru"
    # perpanjangan / perubahan (shared/contracts/kinds.py): the held SKK, as the applicant names
    # it; SIKI fills in ``previous_certificate`` from its register before forwarding.
    previous_skk_number: str | None = Field(None, min_length=1, max_length=64)
    previous_certificate: PreviousCertificate | None = None
    # perpanjangan by an Ahli: the PKB (SKPK) credits declared, documented by a ``pkb`` document.
    pkb_credits: Whole | None = Field(None, ge=0, le=100_000)
    # perubahan: which of the holder's data change (CHANGEABLE_FIELDS), the new values in sections.
    changed_fields: list[Literal["full_name"]] = Field(default_factory=list, max_length=8)
    submitted_at: Timestamp
    # The seven sections exactly as the applicant saved them (SPEC section 7): each one an object.
    sections: dict[str, dict[str, Any]]
    documents: list[DocumentRef] = Field(default_factory=list)


class WithdrawalSubmission(BaseModel):
    """portal -> SIKI ``withdraw_application``: the applicant withdraws before a decision."""

    reason: str | None = Field(None, max_length=500)


class SubmissionAccepted(BaseModel):
    id: str
    status: ApplicationStatus
    lsp_code: str


class PaymentProofSubmission(BaseModel):
    """portal -> SIKI ``upload_payment_proof``."""

    proof_no: Whole = Field(1, ge=1, le=MAX_PER_APPLICATION,
                            description="+1 for each proof uploaded; makes retries idempotent")
    document: DocumentRef
    uploaded_at: Timestamp


class AppealSubmission(BaseModel):
    """portal -> SIKI ``file_appeal``."""

    reason: str = Field(min_length=10, max_length=4000)
    filed_at: Timestamp


class AssessmentInfo(BaseModel):
    assessor_username: str | None = None
    tuk_code: str | None = None
    scheduled_at: Timestamp | None = None
    # What the applicant is told besides the codes (optional: older reports lack them).
    assessor_name: str | None = Field(None, max_length=200)
    tuk_name: str | None = Field(None, max_length=300)
    recommendation: Literal["K", "BK"] | None = None
    result: Literal["kompeten", "belum_kompeten"] | None = None


class ApplicationFormFile(BaseModel):
    """One assessment form of an application as a PDF (``apl01`` signed by the LSP once verified)."""

    form: Literal["apl01", "apl02"]
    signed: Bool = False
    # The submission the form was built from (an unsigned APL-01 never replaces a signed one of
    # the same submission).
    submission_no: Whole = Field(default=1, ge=1, le=MAX_PER_APPLICATION)
    content_base64: str = Field(description="the PDF, base64")


class ApplicationFormsUpload(BaseModel):
    """LSP -> SIKI ``submit_application_forms``: the forms as the LSP built them on receipt."""

    forms: list[ApplicationFormFile] = Field(min_length=1, max_length=2)


class ApplicationFormsStored(BaseModel):
    """SIKI's answer to ``submit_application_forms``: the forms that replaced the kept ones."""

    application_id: str
    stored: list[Literal["apl01", "apl02"]]


class StatusReport(BaseModel):
    """LSP -> SIKI ``report_status``: one step of the LSP's workflow."""

    report_id: str = Field(description="unique per report; a retried report with the same id takes effect once")
    status: ApplicationStatus
    at: Timestamp
    actor: str
    note: str | None = None
    reasons: list[str] = Field(default_factory=list)
    invoice: Invoice | None = None
    assessment: AssessmentInfo | None = None
    certificate: Certificate | None = None
    # Sent once with ``certificate_issued``: the signed e-certificate PDF, base64.
    certificate_pdf_base64: str | None = None
    # FR.APL.01 / FR.APL.02 as they stand after this step (the signed APL-01 with the
    # verification report); SIKI keeps the latest of each for the applicant.
    forms: list[ApplicationFormFile] | None = None


# --- webhooks SIKI -> LSP ----------------------------------------------------------------

WebhookType = Literal[
    "application.submitted",
    "application.resubmitted",
    "payment.proof_uploaded",
    "appeal.filed",
    "application.completed",
    "application.withdrawn",
    "certificate.status_changed",
]


class PaymentProofWebhookData(BaseModel):
    application_id: str
    proof_no: Count
    document: DocumentRef
    uploaded_at: Timestamp


class AppealWebhookData(BaseModel):
    application_id: str
    reason: str
    filed_at: Timestamp


class WithdrawalWebhookData(BaseModel):
    """``application.withdrawn``: the applicant withdrew (sent only to an LSP that has the application)."""

    application_id: str
    reason: str | None = None


class CompletionWebhookData(BaseModel):
    """``application.completed``: the applicant downloaded the e-certificate, SIKI closed the
    application (sent once, to the LSP that issued it)."""

    application_id: str
    completed_at: Timestamp
    skk_number: str | None = None


class CertificateStatusWebhookData(BaseModel):
    """``certificate.status_changed``: LPJK suspended, reinstated, revoked or superseded a
    certificate the LSP issued (SIKI relays LPJK's event). ``seq`` numbers the certificate's
    changes 1, 2, ...: the LSP applies one only if it is newer than the last it applied."""

    application_id: str
    recording_number: str
    skk_number: str
    seq: Count
    status: CertificateStatus
    previous_status: CertificateStatus
    reason: str | None = None
    at: Timestamp
    superseded_by: str | None = None


class WebhookBody(BaseModel):
    """The JSON body of every webhook (Standard Webhooks' ``type``/``timestamp``/``data``)."""

    type: WebhookType
    timestamp: Timestamp
    data: dict[str, Any]


# What ``data`` holds for each type: the LSP validates it against this model (strict: each
# field its type, integers bounded), and its OpenAPI documents the body from it.
WEBHOOK_DATA: dict[str, type[BaseModel]] = {
    "application.submitted": ApplicationSubmission,
    "application.resubmitted": ApplicationSubmission,
    "payment.proof_uploaded": PaymentProofWebhookData,
    "appeal.filed": AppealWebhookData,
    "application.completed": CompletionWebhookData,
    "application.withdrawn": WithdrawalWebhookData,
    "certificate.status_changed": CertificateStatusWebhookData,
}


def webhook_body_schema() -> dict[str, Any]:
    """The JSON Schema of a webhook body, one branch per type, self-contained (no ``$ref``:
    it is placed inline in an OpenAPI document's request body)."""
    branches: list[dict[str, Any]] = []
    for type_, model in WEBHOOK_DATA.items():
        branches.append({"type": "object", "title": f"Webhook {type_}", "required": ["type", "timestamp", "data"],
                         "properties": {"type": {"const": type_},
                                        "timestamp": {"type": "string", "format": "date-time"},
                                        "data": inline_json_schema(model.model_json_schema())}})
    return {"oneOf": branches}


# --- SIKI's answers (SPEC section 7) ----------------------------------------------------------

DeliveryStatus = Literal["pending", "failed", "delivered", "dead"]


class StatusReportAnswer(BaseModel):
    """SIKI -> LSP ``report_status``: the step recorded (a retried ``report_id`` answers it again)."""

    application_id: str
    status: ApplicationStatus
    seq: Count
    report_id: str


class TimelineEntryOut(TimelineItem):
    seq: Count
    reasons: list[str] = Field(default_factory=list)


class TimelineOut(BaseModel):
    application_id: str
    status: ApplicationStatus
    lsp_code: str
    timeline: list[TimelineEntryOut]


class LspRegistration(BaseModel):
    """operator -> SIKI ``register_lsp``."""

    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)
    # Production: https, and the host resolves to public addresses only (dev: http and
    # loopback too); re-checked before every delivery.
    # ASCII only (an internationalised host is given in its xn-- form): a host the resolver
    # cannot encode would otherwise fail deep in the check instead of here, naming the field.
    webhook_url: str = Field(pattern=r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$", max_length=500)
    jabatan_kerja_codes: list[str] = Field(default_factory=list)
    active: Bool = True


class LspOut(BaseModel):
    code: str
    name: str
    webhook_url: str
    jabatan_kerja_codes: list[str]
    active: Bool
    created_at: Timestamp
    rotated_at: Timestamp | None = None
    # After a rotation with a grace period: until when SIKI also signs with the previous
    # webhook secret (docs/CONTRACTS.md "Webhook URLs and secrets").
    previous_secret_until: Timestamp | None = None


class LspWithCredentials(LspOut):
    """Answered once: SIKI keeps the api key only as a hash."""

    webhook_secret: str
    api_key: str


class SkkQuery(BaseModel):
    nik: str = Field(min_length=16, max_length=16, pattern=r"^\d{16}$")


class RegisteredSkk(BaseModel):
    """One SKK in SIKI's register; ``valid``: active and not expired today; ``status``: LPJK's
    (``certificate.status_changed``); ``counts_as_held``: it counts towards the ownership limits
    (active or suspended, not expired); ``renewable``: neither revoked nor superseded."""

    recording_number: str
    skk_number: str
    registration_number: str
    lsp_code: str
    application_id: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: Count
    issued_on: Day
    valid_until: Day
    revoked: Bool
    valid: Bool
    status: CertificateStatus = CertificateStatus.ACTIVE
    status_reason: str | None = None
    superseded_by: str | None = None
    counts_as_held: Bool = True
    renewable: Bool = True


class ApplicationInProgress(BaseModel):
    id: str
    status: ApplicationStatus
    lsp_code: str
    kualifikasi: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str
    jenjang: Count


class SkkByNik(BaseModel):
    """``list_skk_by_nik``: the SKK a NIK holds and its applications in progress."""

    skk: list[RegisteredSkk]
    applications_in_progress: list[ApplicationInProgress]


class EligibilityAnswer(BaseModel):
    """``check_application_eligibility``: the NIK's ownership rules recomputed now, as if the
    application were being submitted (itself excluded); ``reasons`` say what it would break."""

    application_id: str
    eligible: Bool
    reasons: list[str] = Field(default_factory=list)


class NikRebinding(BaseModel):
    """portal (its operator path) or a SIKI operator -> SIKI ``rebind_nik``: after an identity
    check, the NIK belongs to ``account_id`` (the portal account) from now on."""

    nik: str = Field(min_length=16, max_length=16, pattern=r"^\d{16}$")
    account_id: str = Field(min_length=1, max_length=64)
    requested_by: str | None = Field(None, max_length=100, description="the operator who checked the identity")
    reason: str | None = Field(None, max_length=500)


class NikBindingOut(BaseModel):
    nik_masked: str
    account_id: str


class WebhookAttemptOut(BaseModel):
    attempt_no: Count
    at: Timestamp
    status_code: Count | None
    response_excerpt: str | None
    error: str | None
    duration_ms: Count


class WebhookDeliveryOut(BaseModel):
    """One webhook to one LSP and its attempts (``id`` is the ``webhook-id`` of every attempt)."""

    id: str
    application_id: str
    lsp_code: str
    type: WebhookType
    status: DeliveryStatus
    attempt_count: Count
    redeliveries: Count
    last_error: str | None
    created_at: Timestamp
    delivered_at: Timestamp | None
    attempts: list[WebhookAttemptOut]


# --- status reports SIKI refused for good (operators) ----------------------------------------

RefusedReportState = Literal["open", "accepted", "dismissed"]


class RefusedReportOut(BaseModel):
    """A status report SIKI refused with a 4xx (the LSP will not send it again): why, and how an
    operator resolved it. ``report`` is the body as the LSP sent it."""

    report_id: str
    application_id: str
    lsp_code: str
    status: ApplicationStatus
    reason: str
    http_status: Count
    refused_at: Timestamp
    times_refused: Count
    state: RefusedReportState
    resolved_by: str | None
    resolved_at: Timestamp | None
    note: str | None
    report: dict[str, Any]


class RefusedReportResolution(BaseModel):
    """operator -> SIKI ``resolve_refused_report``: ``accepted`` applies the report now (if the
    state machine allows it from the application's current status), ``dismissed`` drops it."""

    resolution: Literal["accepted", "dismissed"]
    note: str = Field(min_length=1, max_length=2000)
