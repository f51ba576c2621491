"""The shape of each of the seven sections (SPEC section 7): field names, types and the
constraints a single value must meet. The rules across fields and against the reference data
are in ``sections.py``; the draft twins (every field optional) in ``drafts.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Documents = dict[str, Annotated[str, StringConstraints(min_length=1, max_length=64)]]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Personal(_Section):
    nik: str
    full_name: Text
    birth_place: Text
    birth_date: date
    email: EmailStr
    phone: Text
    npwp: str
    gender: Literal["L", "P"]
    address: LongText
    country: Text
    province_code: Code
    regency_code: Code
    postal_code: str
    documents: Documents = Field(default_factory=dict)


class EducationItem(_Section):
    institution: Text
    study_program: Text
    diploma_number: Text
    graduation_year: int
    level: Code
    address: LongText
    country: Text
    province_code: Code
    regency_code: Code
    documents: Documents = Field(default_factory=dict)


class ExperienceItem(_Section):
    experience_kind: Text
    project_name: Text
    province_code: Code
    start_date: date
    end_date: date | None = None  # none: a job still held (counts to today)
    position: Text
    project_value: Decimal = Field(ge=0, max_digits=20, decimal_places=2)
    documents: Documents = Field(default_factory=dict)


class TrainingItem(_Section):
    organizer: Text
    name: Text
    start_date: date
    end_date: date
    lesson_hours: int = Field(ge=0, le=10000)
    days: int = Field(ge=0, le=3660)
    documents: Documents = Field(default_factory=dict)


class CaseStudyItem(_Section):
    title: Text
    start_date: date
    end_date: date
    description: LongText
    documents: Documents = Field(default_factory=dict)


class CertificateItem(_Section):
    name: Text
    issuer: Text
    start_date: date
    # A certificate's end date is how long it stays valid: it may well lie in the future.
    end_date: date
    documents: Documents = Field(default_factory=dict)


class SelfAssessmentItem(_Section):
    """FR.APL.02: the applicant's own K (kompeten) / BK (belum kompeten) for one unit."""

    unit_code: Code
    answer: Literal["K", "BK"]


class Qualification(_Section):
    lsp_code: Code
    klasifikasi_code: Code
    subklasifikasi_code: Code
    kualifikasi: Code
    jabatan_kerja_code: Code
    jenjang: int
    asosiasi_code: Code
    kta_number: Text
    tuk_code: Code
    application_kind: Code
    # perpanjangan by an Ahli (domain/renewal.py): the PKB (SKPK) credits declared; else absent.
    pkb_credits: int | None = Field(default=None, ge=0, le=100_000)
    documents: Documents = Field(default_factory=dict)
    # Optional (FR.APL.02): checked against the scheme's units by the LSP, which ignores unknown
    # unit codes with a warning on the form.
    self_assessment: list[SelfAssessmentItem] | None = Field(default=None, max_length=200)


class Education(_Section):
    items: list[EducationItem] = Field(max_length=50)


class Experience(_Section):
    items: list[ExperienceItem] = Field(max_length=200)


class Training(_Section):
    items: list[TrainingItem] = Field(max_length=200)


class CaseStudies(_Section):
    items: list[CaseStudyItem] = Field(max_length=100)


class Certificates(_Section):
    items: list[CertificateItem] = Field(max_length=100)


MODELS: dict[str, type[_Section]] = {
    "personal": Personal,
    "education": Education,
    "experience": Experience,
    "training": Training,
    "case_studies": CaseStudies,
    "certificates": Certificates,
    "qualification": Qualification,
}
