"""Request bodies and response models of the LSP's API (field names of SPEC section 7).

Money is answered as a decimal string (``"2500000.00"``), as the API always has.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.lsp.domain.requirements import OVERRIDE_REASON_MAX, OVERRIDE_REASON_MIN
from shared.contracts.documents import DocumentRef
from shared.contracts.kinds import ApplicationKind, PreviousCertificate
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus, CertificateStatus
from shared.contracts.types import Bool, Count, Day, Timestamp

# A timestamp stored in a JSON column, answered as stored (``datetime.isoformat()``).
StoredInstant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Reasons = list[Annotated[str, Field(max_length=1000)]]

# --- request bodies ------------------------------------------------------------------------


class VerificationBody(BaseModel):
    decision: Literal["accepted", "rejected"]
    reasons: Reasons = Field(default_factory=list, max_length=50)
    override_reason: str | None = Field(
        None, max_length=OVERRIDE_REASON_MAX,
        description="accepting an application that does not meet the scheme's requirements (education, "
                    f"experience): why, in {OVERRIDE_REASON_MIN} to {OVERRIDE_REASON_MAX} characters without "
                    "control characters; shown on the timeline and kept in the audit log")


class PaymentVerificationBody(BaseModel):
    decision: Literal["valid", "invalid"]
    reasons: Reasons = Field(default_factory=list, max_length=50)


class ScheduleBody(BaseModel):
    assessor_username: str = Field(min_length=1, max_length=64)
    tuk_code: str = Field(min_length=1, max_length=32)
    scheduled_at: Timestamp


class AssessmentReportBody(BaseModel):
    recommendation: Literal["K", "BK"]
    notes: str | None = Field(None, max_length=8000)


class DecisionBody(BaseModel):
    result: Literal["kompeten", "belum_kompeten"]


class AppealDecisionBody(BaseModel):
    decision: Literal["upheld", "rejected"]
    reasons: Reasons = Field(default_factory=list, max_length=50)


class SweepBody(BaseModel):
    as_of: Day | None = Field(None, description="dev mode only: the day to sweep as if it were today")


# --- answers -------------------------------------------------------------------------------


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: Count
    roles: list[str]


class ApplicationSummary(BaseModel):
    id: str
    status: ApplicationStatus
    full_name: str
    jabatan_kerja_code: str
    kualifikasi: str
    jenjang: Count
    submitted_at: Timestamp
    updated_at: Timestamp
    precheck_passed: Bool | None
    appeal_overdue_at: Timestamp | None = Field(
        None, description="when the deadline sweep flagged the appeal as not decided in time")
    application_kind: ApplicationKind = "baru"
    previous_skk_number: str | None = None


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    limit: Count
    offset: Count
    total: Count = Field(description="how many applications match in all")


class Applicant(BaseModel):
    user_id: str
    email: str
    full_name: str


class PrecheckOption(BaseModel):
    education_level: str
    min_years: float
    education_ok: Bool
    experience_ok: Bool
    ok: Bool
    experience_years: float | None = Field(None, description="the years of the kinds this option counts")


class Precheck(BaseModel):
    """The automatic check of the basic requirements, made when the application arrives."""

    passed: Bool
    jenjang: Count
    highest_education: str | None
    experience_years: float
    experience_kind: str
    options: list[PrecheckOption]
    messages: list[str]
    checked_at: StoredInstant
    experience_kinds: list[str] | None = Field(
        None, description="the kinds of experience counted (professional, work); absent: every kind")


class Eligibility(BaseModel):
    """SIKI's re-check of the ownership limits (``check_application_eligibility``) for this
    submission; absent until SIKI answered (then checked again before an acceptance)."""

    eligible: Bool
    reasons: list[str]
    checked_at: StoredInstant
    submission_no: Count


class Apl01(BaseModel):
    recommendation: Literal["accepted", "rejected"] | None
    signed_by: str | None
    signed_at: Timestamp | None
    reasons: list[str]


class InvoiceView(BaseModel):
    number: str
    amount: Decimal
    currency: str
    issued_at: Timestamp
    due_date: Day


class PaymentProof(DocumentRef):
    # Required here, and kept as the string stored (DocumentRef's own is an optional datetime).
    uploaded_at: StoredInstant  # type: ignore[assignment]
    proof_no: Count


class Payment(BaseModel):
    proof_no: Count
    proof: PaymentProof | None
    verified_by: str | None
    reasons: list[str]


class AssessmentView(BaseModel):
    round: Count
    assessor_username: str
    tuk_code: str
    scheduled_at: Timestamp
    recommendation: Literal["K", "BK"] | None
    notes: str | None
    reported_at: Timestamp | None
    result: Literal["kompeten", "belum_kompeten"] | None
    decided_by: str | None
    decided_at: Timestamp | None


class Decision(BaseModel):
    result: Literal["kompeten", "belum_kompeten"] | None
    decided_by: str | None
    decided_at: Timestamp | None


class Appeal(BaseModel):
    reason: str | None
    filed_at: Timestamp | None
    decision: Literal["upheld", "rejected"] | None
    decided_by: str | None
    decided_at: Timestamp | None
    overdue_at: Timestamp | None = Field(
        None, description="set when the appeal was not decided within the LSP's working days (flagged to the "
                          "manager)")


class UnmetRequirement(BaseModel):
    requirement: str = Field(description="education, experience or requirements")
    message: str
    pesan: str = Field(description="the same in Bahasa Indonesia, as the timeline shows it")


class RequirementsOverride(BaseModel):
    """The admin accepted although the scheme's requirements were not met."""

    reason: str
    by: str
    at: StoredInstant
    unmet: list[UnmetRequirement]


class TimelineItem(BaseModel):
    status: ApplicationStatus
    at: Timestamp
    actor: str
    note: str | None
    reasons: list[str]


class ReportView(BaseModel):
    """A status report to SIKI and how far its delivery has come."""

    report_id: str
    status: ApplicationStatus
    created_at: Timestamp
    sent_at: Timestamp | None
    attempts: Count
    last_error: str | None
    # SIKI refused it for good (``last_error`` says why): never sent again (list_refused_reports).
    refused_at: Timestamp | None = None


class CertificateStatusView(BaseModel):
    """The certificate's status at LPJK, from the last ``certificate.status_changed`` SIKI sent."""

    status: CertificateStatus
    previous_status: CertificateStatus
    seq: Count
    reason: str | None = None
    at: Timestamp
    superseded_by: str | None = None


class DataChange(BaseModel):
    """One field a change (perubahan) corrects on the held certificate."""

    field: Literal["full_name"]
    old: str | None = Field(description="the value on the held certificate, when this LSP issued it (else null)")
    new: str | None = Field(description="the value the new certificate carries (the personal-data section)")


class ApplicationView(BaseModel):
    id: str
    status: ApplicationStatus
    lsp_code: str
    submission_no: Count
    applicant: Applicant
    nik: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: Count
    application_kind: ApplicationKind
    # perpanjangan / perubahan: the held SKK as the applicant named it and SIKI's register knows it.
    previous_skk_number: str | None = None
    previous_certificate: PreviousCertificate | None = None
    # An Ahli renewal: the PKB (SKPK) credits declared and the minimum for its jenjang (null: none needed).
    pkb_credits: Count | None = None
    pkb_minimum: Count | None = None
    pkb_document: Bool = Field(False, description="a document of kind \"pkb\" (the SKPK evidence) is attached")
    changes: list[DataChange] = Field(default_factory=list, description="a change: the fields it corrects")
    tuk_code: str | None
    submitted_at: Timestamp
    # The applicant's sections exactly as SIKI forwarded them (SPEC section 7).
    sections: dict[str, Any]
    documents: list[DocumentRef]
    precheck: Precheck | None
    eligibility: Eligibility | None = None
    requirements_override: RequirementsOverride | None = None
    apl01: Apl01
    invoice: InvoiceView | None
    payment: Payment
    certification_started_at: Timestamp | None
    assessments: list[AssessmentView]
    decision: Decision
    appeal: Appeal
    certificate: Certificate | None
    # None while no change reached the LSP: the certificate is as issued.
    certificate_status: CertificateStatusView | None = None
    timeline: list[TimelineItem]
    reports: list[ReportView]


class SweepResult(BaseModel):
    as_of: Day
    cancelled: list[str] = Field(description="the applications cancelled for an unpaid invoice")
    appeals_overdue: list[str] = Field(
        default_factory=list, description="the appeals flagged now as not decided within the working days")


class WebhookReceipt(BaseModel):
    webhook_id: str
    type: str
    outcome: Literal["created", "updated", "already received", "duplicate"]


class RequirementOption(BaseModel):
    model_config = ConfigDict(extra="allow")

    education_level: str
    min_years: Count | float


class SchemeView(BaseModel):
    jabatan_kerja_code: str
    name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jenjang: list[Count]
    # Per jenjang (as a string key): the options of which any one suffices.
    requirements: dict[str, list[RequirementOption]]
    fee: Decimal
    currency: str
    skkni: str
    # Where the blank FR.APL.01 and FR.APL.02 of the scheme are.
    forms: dict[Literal["apl01", "apl02"], str]


class SchemeList(BaseModel):
    lsp_code: str
    items: list[SchemeView]
    limit: Count
    offset: Count
    total: Count = Field(description="how many schemes the LSP has in all")


# --- staff administration (SPEC section 8, "Accounts") ---------------------------------------

StaffRole = Annotated[str, Field(max_length=32, description="manajer, admin, asesor or komite")]


class CreateStaffBody(BaseModel):
    username: str = Field(max_length=64, description="3 to 64 characters: lower-case letters, digits and . _ -")
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    roles: list[StaffRole] = Field(max_length=4)
    asesor_registration_number: str | None = Field(
        None, max_length=64, description="required for the role asesor, e.g. MET.000.001234 2019")


class UpdateStaffBody(BaseModel):
    """Only the fields given change."""

    roles: list[StaffRole] | None = Field(None, max_length=4)
    active: Bool | None = None
    full_name: str | None = Field(None, max_length=200)
    asesor_registration_number: str | None = Field(None, max_length=64)
    resend_activation: Bool = Field(False, description="email a fresh activation link (earlier ones are void)")


class ActivateStaffBody(BaseModel):
    token: str = Field(max_length=256, description="the token of the emailed activation link")
    password: str = Field(max_length=1024)
    password_repeat: str = Field(max_length=1024)


class StaffView(BaseModel):
    username: str
    full_name: str | None
    email: str | None
    roles: list[str]
    active: Bool
    activated: Bool = Field(description="whether the account has set its password through the emailed link")
    activated_at: Timestamp | None
    asesor_registration_number: str | None
    created_at: Timestamp
    created_by: str | None
    updated_at: Timestamp | None


class StaffPage(BaseModel):
    items: list[StaffView]
    limit: Count
    offset: Count
    total: Count = Field(description="how many staff accounts the LSP has in all")


class StaffActivated(BaseModel):
    username: str
    roles: list[str]
