"""The three kinds of application (Permen PUPR 8/2022 Ps 22; SPEC section 8, "Applications").

``baru`` is a first SKK. ``perpanjangan`` renews a held SKK (from 6 months before its expiry and
any time after; Ahli show PKB credits); ``perubahan`` changes the holder's data on a held SKK
(verified by the LSP, no invoice, no assessment; the new certificate keeps the SKK number and the
validity end). Both name the held SKK by ``previous_skk_number``; SIKI checks it against its
register and fills in :class:`PreviousCertificate` for the LSP (the portal's word is not trusted).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.contracts.states import CertificateStatus
from shared.contracts.types import Day, Whole

ApplicationKind = Literal["baru", "perpanjangan", "perubahan"]
APPLICATION_KINDS: tuple[str, ...] = ("baru", "perpanjangan", "perubahan")
RENEWAL = "perpanjangan"
CHANGE = "perubahan"
# The document kind of the PKB (SKPK) credits' evidence a renewal by an Ahli carries.
PKB_DOCUMENT_KIND = "pkb"
# The holder's data a change may correct (the certificate shows these).
CHANGEABLE_FIELDS: tuple[str, ...] = ("full_name",)


class PreviousCertificate(BaseModel):
    """The held SKK a renewal or a change is about, as SIKI's register knows it."""

    skk_number: str = Field(max_length=64)
    registration_number: str = Field(max_length=64)
    recording_number: str = Field(max_length=64)
    issued_on: Day
    valid_until: Day
    klasifikasi_code: str = Field(max_length=32)
    subklasifikasi_code: str = Field(max_length=32)
    kualifikasi: str = Field(max_length=32)
    jabatan_kerja_code: str = Field(max_length=64)
    jenjang: Whole = Field(ge=1, le=9)
    status: CertificateStatus
