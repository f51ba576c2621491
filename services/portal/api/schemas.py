"""The portal API's request and response bodies (field names per SPEC section 7). The views the
use cases answer with are defined in ``usecases/views.py`` and re-exported here."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from services.portal.usecases.applications import SectionSaved
from services.portal.usecases.bindings import NikRebound
from services.portal.usecases.views import (
    ApplicationOut,
    ApplicationSummary,
    DocumentOut,
    InvoiceOut,
    NotificationOut,
    PaymentProofOut,
    TimelineEntryOut,
)
from shared.contracts.types import Bool, Count

__all__ = [
    "Accepted", "ActivateRequest", "ActivateResponse", "AppealRequest", "ApplicationOut", "ApplicationSummary",
    "ChangePasswordRequest", "CreateApplication", "DocumentOut", "EmailRequest", "InvoiceOut", "NikRebindRequest",
    "NikRebound", "NotificationOut", "PasswordReset", "PaymentProofOut", "ReferenceData", "RegisterRequest",
    "RegisterResponse", "ResetPasswordRequest", "SectionSaved", "TimelineEntryOut", "TokenResponse", "WithdrawRequest",
]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

# --- accounts -------------------------------------------------------------------------------


class RegisterRequest(BaseModel):
    first_name: Name
    last_name: Name
    email: EmailStr
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    is_individual: Bool
    data_truth_consent: Bool


class RegisterResponse(BaseModel):
    """The same for a new, a waiting and an active address: only the mailbox learns which."""

    email: str
    detail: str = ("if this address can be registered, an activation link is on its way; "
                   "check the mailbox (the email says what to do next)")


class ActivateRequest(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: str = Field(max_length=200)
    password_repeat: str = Field(max_length=200)


class ActivateResponse(BaseModel):
    email: str
    verified: Bool = True


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: Count


class EmailRequest(BaseModel):
    """``resend_activation``, ``request_password_reset``."""

    email: EmailStr


class Accepted(BaseModel):
    """The one answer to a request whose outcome only the mailbox learns."""

    detail: str


class ChangePasswordRequest(BaseModel):
    current_password: str = Field(max_length=200)
    password: str = Field(max_length=200)
    password_repeat: str = Field(max_length=200)


class ResetPasswordRequest(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: str = Field(max_length=200)
    password_repeat: str = Field(max_length=200)


class PasswordReset(BaseModel):
    detail: str = "the password is changed and every session has ended; log in with the new password"


# --- applications ---------------------------------------------------------------------------


class CreateApplication(BaseModel):
    """``baru`` (empty draft), or ``perpanjangan`` / ``perubahan`` of the held SKK named by
    ``previous_skk_number`` (the draft is prefilled from the application that issued it)."""

    application_kind: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = "baru"
    previous_skk_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                          max_length=64)] | None = None


class AppealRequest(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]


class WithdrawRequest(BaseModel):
    """``withdraw_application``: why, if the applicant wishes to say."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] | None = None


# --- operators ------------------------------------------------------------------------------


class NikRebindRequest(BaseModel):
    """``rebind_nik_binding``: move a NIK to the account whose holder's identity was checked. Who
    does it is the operator logged in (issue 12: no name in the body to take on trust)."""

    nik: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{16}$")]
    account_email: EmailStr
    identity_check_reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                               max_length=200)] = Field(
        description="the identity check the operator made (case or document number), kept in the audit")


# --- reference data (answered with the keys each item has: the optional ones only where set) ----


class ReferenceItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    name: str


class _SikiCoded(ReferenceItem):
    # SIKI's own code where it differs from ours; ``uncertain`` marks a mapping still to confirm.
    siki_code: str | None = None
    uncertain: Bool | None = None


class Regency(ReferenceItem):
    province_code: str
    kind: str


class Klasifikasi(ReferenceItem):
    letter: str


class Subklasifikasi(_SikiCoded):
    klasifikasi_code: str


class Kualifikasi(ReferenceItem):
    jenjang_min: Count
    jenjang_max: Count


class JabatanKerja(_SikiCoded):
    subklasifikasi_code: str
    kualifikasi: str
    jenjang: list[Count]
    skkni: str | None = None


class EducationLevel(ReferenceItem):
    rank: Count


class Lsp(ReferenceItem):
    address: str
    jabatan_kerja_codes: list[str]


class Tuk(ReferenceItem):
    lsp_code: str
    kind: str
    regency_code: str


class ReferenceData(BaseModel):
    """``list_reference_data``: the codes the sections use, for front ends."""

    provinces: list[ReferenceItem]
    regencies: list[Regency]
    klasifikasi: list[Klasifikasi]
    subklasifikasi: list[Subklasifikasi]
    kualifikasi: list[Kualifikasi]
    jabatan_kerja: list[JabatanKerja]
    education_levels: list[EducationLevel]
    lsps: list[Lsp]
    tuks: list[Tuk]
    asosiasi: list[ReferenceItem]
