"""Request bodies and response models of the LSP's API (field names of SPEC section 7).

Money is answered as a decimal string (``"2500000.00"``), as the API always has.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.documents import DocumentRef
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus

# A timestamp stored in a JSON column, answered as stored (``datetime.isoformat()``).
StoredInstant = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Reasons = list[Annotated[str, Field(max_length=1000)]]

# --- request bodies ------------------------------------------------------------------------


class VerificationBody(BaseModel):
    decision: Literal["accepted", "rejected"]
    reasons: Reasons = Field(default_factory=list, max_length=50)


class PaymentVerificationBody(BaseModel):
    decision: Literal["valid", "invalid"]
    reasons: Reasons = Field(default_factory=list, max_length=50)


class ScheduleBody(BaseModel):
    assessor_username: str = Field(min_length=1, max_length=64)
    tuk_code: str = Field(min_length=1, max_length=32)
    scheduled_at: datetime


class AssessmentReportBody(BaseModel):
    recommendation: Literal["K", "BK"]
    notes: str | None = Field(None, max_length=8000)


class DecisionBody(BaseModel):
    result: Literal["kompeten", "belum_kompeten"]


class AppealDecisionBody(BaseModel):
    decision: Literal["upheld", "rejected"]
    reasons: Reasons = Field(default_factory=list, max_length=50)


class SweepBody(BaseModel):
    as_of: date | None = Field(None, description="dev mode only: the day to sweep as if it were today")


# --- answers -------------------------------------------------------------------------------


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    roles: list[str]


class ApplicationSummary(BaseModel):
    id: str
    status: ApplicationStatus
    full_name: str
    jabatan_kerja_code: str
    kualifikasi: str
    jenjang: int
    submitted_at: datetime
    updated_at: datetime
    precheck_passed: bool | None


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    limit: int
    offset: int
    total: int = Field(description="how many applications match in all")


class Applicant(BaseModel):
    user_id: str
    email: str
    full_name: str


class PrecheckOption(BaseModel):
    education_level: str
    min_years: float
    education_ok: bool
    experience_ok: bool
    ok: bool


class Precheck(BaseModel):
    """The automatic check of the basic requirements, made when the application arrives."""

    passed: bool
    jenjang: int
    highest_education: str | None
    experience_years: float
    experience_kind: str
    options: list[PrecheckOption]
    messages: list[str]
    checked_at: StoredInstant


class Eligibility(BaseModel):
    """SIKI's re-check of the ownership limits (``check_application_eligibility``) for this
    submission; absent until SIKI answered (then checked again before an acceptance)."""

    eligible: bool
    reasons: list[str]
    checked_at: StoredInstant
    submission_no: int


class Apl01(BaseModel):
    recommendation: Literal["accepted", "rejected"] | None
    signed_by: str | None
    signed_at: datetime | None
    reasons: list[str]


class InvoiceView(BaseModel):
    number: str
    amount: Decimal
    currency: str
    issued_at: datetime
    due_date: date


class PaymentProof(DocumentRef):
    uploaded_at: StoredInstant
    proof_no: int


class Payment(BaseModel):
    proof_no: int
    proof: PaymentProof | None
    verified_by: str | None
    reasons: list[str]


class AssessmentView(BaseModel):
    round: int
    assessor_username: str
    tuk_code: str
    scheduled_at: datetime
    recommendation: Literal["K", "BK"] | None
    notes: str | None
    reported_at: datetime | None
    result: Literal["kompeten", "belum_kompeten"] | None
    decided_by: str | None
    decided_at: datetime | None


class Decision(BaseModel):
    result: Literal["kompeten", "belum_kompeten"] | None
    decided_by: str | None
    decided_at: datetime | None


class Appeal(BaseModel):
    reason: str | None
    filed_at: datetime | None
    decision: Literal["upheld", "rejected"] | None
    decided_by: str | None
    decided_at: datetime | None


class TimelineItem(BaseModel):
    status: ApplicationStatus
    at: datetime
    actor: str
    note: str | None
    reasons: list[str]


class ReportView(BaseModel):
    """A status report to SIKI and how far its delivery has come."""

    report_id: str
    status: ApplicationStatus
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


class ApplicationView(BaseModel):
    id: str
    status: ApplicationStatus
    lsp_code: str
    submission_no: int
    applicant: Applicant
    nik: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    application_kind: str
    tuk_code: str | None
    submitted_at: datetime
    # The applicant's sections exactly as SIKI forwarded them (SPEC section 7).
    sections: dict[str, Any]
    documents: list[DocumentRef]
    precheck: Precheck | None
    eligibility: Eligibility | None = None
    apl01: Apl01
    invoice: InvoiceView | None
    payment: Payment
    certification_started_at: datetime | None
    assessments: list[AssessmentView]
    decision: Decision
    appeal: Appeal
    certificate: Certificate | None
    timeline: list[TimelineItem]
    reports: list[ReportView]


class SweepResult(BaseModel):
    as_of: date
    cancelled: list[str] = Field(description="the applications cancelled for an unpaid invoice")


class WebhookReceipt(BaseModel):
    webhook_id: str
    type: str
    outcome: Literal["created", "updated", "already received", "duplicate"]


class RequirementOption(BaseModel):
    model_config = ConfigDict(extra="allow")

    education_level: str
    min_years: int | float


class SchemeView(BaseModel):
    jabatan_kerja_code: str
    name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jenjang: list[int]
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
    limit: int
    offset: int
    total: int = Field(description="how many schemes the LSP has in all")
