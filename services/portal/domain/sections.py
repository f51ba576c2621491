"""The seven sections of an application (SPEC section 7) and every rule a section must meet.

Plain Python: the caller hands in the reference data, today's date and the user's own
documents, and gets back the normalised section or the list of problems, each naming its field
(``personal.nik``, ``experience.items.0.end_date``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, ValidationError

from shared.reference import ReferenceData, check_qualification
from shared.reference.identity import nik_errors, npwp_errors

FieldErrors = list[dict[str, str]]

SECTION_NAMES: tuple[str, ...] = (
    "personal", "education", "experience", "training", "case_studies", "certificates", "qualification",
)
# Sections made of ``items`` (the others are one object).
ITEM_SECTIONS = frozenset({"education", "experience", "training", "case_studies", "certificates"})
# What a submission cannot do without; the item sections not named here may stay empty.
REQUIRED_SECTIONS: tuple[str, ...] = ("personal", "education", "experience", "qualification")
NON_EMPTY_SECTIONS = frozenset({"education", "experience"})

# Document slots of each section (or of each item of an item section): all are required.
SECTION_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "personal": ("ktp", "npwp", "data_statement", "photo"),
    "education": ("diploma", "institution_statement"),
    "experience": ("reference_letter",),
    "training": ("certificate",),
    "case_studies": ("case_study",),
    "certificates": ("certificate",),
    "qualification": ("application_letter", "apl01", "apl02"),
}
PAYMENT_PROOF_KIND = "payment_proof"
DOCUMENT_KINDS: frozenset[str] = frozenset(
    k for kinds in SECTION_DOCUMENTS.values() for k in kinds
) | {PAYMENT_PROOF_KIND}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

APPLICATION_KINDS = ("baru",)  # renewal (perpanjangan) and change (perubahan) are to follow

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Documents = dict[str, Annotated[str, StringConstraints(min_length=1, max_length=64)]]

_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_POSTAL_CODE = re.compile(r"^[0-9]{5}$")


@dataclass(frozen=True)
class DocumentInfo:
    """What the rules need to know about one of the user's uploaded documents."""

    kind: str
    content_type: str


@dataclass(frozen=True)
class ValidationContext:
    ref: ReferenceData
    today: date
    # The current user's documents by id: anyone else's id is simply not there.
    documents: Mapping[str, DocumentInfo]
    application_kind: str = "baru"


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
    end_date: date
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
    documents: Documents = Field(default_factory=dict)


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


class _Errors:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.items: FieldErrors = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": self.prefix + field, "message": message})

    def extend(self, errors: FieldErrors) -> None:
        self.items.extend(errors)


def _pydantic_errors(section: str, exc: ValidationError) -> FieldErrors:
    out: FieldErrors = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"field": ".".join([section, *loc]), "message": str(err.get("msg", "invalid"))})
    return out


def _check_region(e: _Errors, ref: ReferenceData, province_code: str, regency_code: str | None,
                  where: str = "") -> None:
    if province_code not in ref.provinces:
        e.add(where + "province_code", f"unknown province code {province_code!r}")
    if regency_code is None:
        return
    regency = ref.regencies.get(regency_code)
    if regency is None:
        e.add(where + "regency_code", f"unknown regency code {regency_code!r}")
    elif regency["province_code"] != province_code:
        e.add(where + "regency_code", f"regency {regency_code} does not belong to province {province_code}")


def _check_period(e: _Errors, start: date, end: date, today: date, where: str = "",
                  end_may_be_future: bool = False) -> None:
    if start > today:
        e.add(where + "start_date", "must not be in the future")
    if end > today and not end_may_be_future:
        e.add(where + "end_date", "must not be in the future")
    if start > end:
        e.add(where + "end_date", "must not be before start_date")


def _check_documents(e: _Errors, ctx: ValidationContext, section: str, documents: Mapping[str, str],
                     where: str = "") -> None:
    slots = SECTION_DOCUMENTS[section]
    for kind in slots:
        doc_id = documents.get(kind)
        field = f"{where}documents.{kind}"
        if doc_id is None:
            e.add(field, f"the {kind} document is required")
            continue
        info = ctx.documents.get(doc_id)
        if info is None:
            e.add(field, f"document {doc_id!r} not found")
        elif info.kind != kind:
            e.add(field, f"document {doc_id!r} was uploaded as {info.kind!r}, not {kind!r}")
        elif kind == "photo" and info.content_type not in IMAGE_TYPES:
            e.add(field, "the photo must be a JPEG or PNG image")
    for kind in documents:
        if kind not in slots:
            e.add(f"{where}documents.{kind}", f"no document {kind!r} in this section; expected {', '.join(slots)}")


def _personal(e: _Errors, s: Personal, ctx: ValidationContext) -> None:
    e.extend(nik_errors(s.nik, s.birth_date, s.gender, field=e.prefix + "nik"))
    e.extend(npwp_errors(s.npwp, field=e.prefix + "npwp"))
    if s.birth_date > ctx.today:
        e.add("birth_date", "must not be in the future")
    if not _PHONE.match(re.sub(r"[\s\-()]", "", s.phone)):
        e.add("phone", "must be a phone number of 8 to 15 digits, optionally starting with +")
    if not _POSTAL_CODE.match(s.postal_code):
        e.add("postal_code", "must be 5 digits")
    _check_region(e, ctx.ref, s.province_code, s.regency_code)
    _check_documents(e, ctx, "personal", s.documents)


def _education(e: _Errors, s: Education, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items):
        w = f"items.{i}."
        if item.graduation_year > ctx.today.year:
            e.add(w + "graduation_year", "must not be in the future")
        elif item.graduation_year < 1940:
            e.add(w + "graduation_year", "implausible graduation year")
        if item.level not in ctx.ref.education_levels:
            e.add(w + "level", f"unknown education level {item.level!r}; one of {', '.join(ctx.ref.education_levels)}")
        _check_region(e, ctx.ref, item.province_code, item.regency_code, w)
        _check_documents(e, ctx, "education", item.documents, w)


def _experience(e: _Errors, s: Experience, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_region(e, ctx.ref, item.province_code, None, w)
        _check_documents(e, ctx, "experience", item.documents, w)


def _training(e: _Errors, s: Training, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_documents(e, ctx, "training", item.documents, w)


def _case_studies(e: _Errors, s: CaseStudies, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_documents(e, ctx, "case_studies", item.documents, w)


def _certificates(e: _Errors, s: Certificates, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w, end_may_be_future=True)
        _check_documents(e, ctx, "certificates", item.documents, w)


def _qualification(e: _Errors, s: Qualification, ctx: ValidationContext) -> None:
    e.extend(check_qualification(
        ctx.ref, lsp_code=s.lsp_code, klasifikasi_code=s.klasifikasi_code,
        subklasifikasi_code=s.subklasifikasi_code, kualifikasi=s.kualifikasi,
        jabatan_kerja_code=s.jabatan_kerja_code, jenjang=s.jenjang, prefix=e.prefix,
    ))
    if s.asosiasi_code not in ctx.ref.asosiasi:
        e.add("asosiasi_code", f"unknown asosiasi {s.asosiasi_code!r}")
    tuk = ctx.ref.tuks.get(s.tuk_code)
    if tuk is None:
        e.add("tuk_code", f"unknown TUK {s.tuk_code!r}")
    elif tuk["lsp_code"] != s.lsp_code:
        e.add("tuk_code", f"TUK {s.tuk_code} belongs to {tuk['lsp_code']}, not to LSP {s.lsp_code}")
    if s.application_kind != ctx.application_kind:
        e.add("application_kind", f"must be {ctx.application_kind!r}, the kind of this application")
    _check_documents(e, ctx, "qualification", s.documents)


_RULES: dict[str, Callable[[_Errors, Any, ValidationContext], None]] = {
    "personal": _personal,
    "education": _education,
    "experience": _experience,
    "training": _training,
    "case_studies": _case_studies,
    "certificates": _certificates,
    "qualification": _qualification,
}


def validate_section(section: str, payload: Any, ctx: ValidationContext) -> tuple[dict[str, Any], FieldErrors]:
    """The section as it will be stored (normalised JSON), or every problem it has."""
    if section not in MODELS:
        return {}, [{"field": "section", "message": f"unknown section {section!r}; one of {', '.join(SECTION_NAMES)}"}]
    try:
        model = MODELS[section].model_validate(payload)
    except ValidationError as exc:
        return {}, _pydantic_errors(section, exc)
    e = _Errors(section + ".")
    _RULES[section](e, model, ctx)
    if e.items:
        return {}, e.items
    return model.model_dump(mode="json"), []


def validate_application(sections: Mapping[str, Any], ctx: ValidationContext) -> FieldErrors:
    """Everything again, as a whole, before a submission."""
    errors: FieldErrors = []
    for name in SECTION_NAMES:
        payload = sections.get(name)
        if payload is None:
            if name in REQUIRED_SECTIONS:
                errors.append({"field": name, "message": f"the {name} section is required"})
            continue
        _, errs = validate_section(name, payload, ctx)
        errors.extend(errs)
        if not errs and name in NON_EMPTY_SECTIONS and not payload.get("items"):
            errors.append({"field": f"{name}.items", "message": "at least one item is required"})
    return errors


def referenced_documents(sections: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(kind, document id)`` of every document the sections name, each id once."""
    seen: set[str] = set()
    for name in SECTION_NAMES:
        payload = sections.get(name)
        if not payload:
            continue
        holders = payload.get("items", []) if name in ITEM_SECTIONS else [payload]
        for holder in holders:
            for kind, doc_id in (holder.get("documents") or {}).items():
                if doc_id not in seen:
                    seen.add(doc_id)
                    yield kind, doc_id
