"""The seven sections of an application (SPEC section 7) and every rule a section must meet.

Plain Python: the caller hands in the reference data, today's date and the user's own
documents, and gets back the normalised section or the list of problems, each naming its field
(``personal.nik``, ``experience.items.0.end_date``). A section may be saved with required fields
still missing (a draft, ``drafts.py``): :func:`check_section` lists them; a malformed value is
refused all the same. :func:`validate_section` wants the section complete (a submission).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from services.portal.domain.drafts import control_character_errors, draft_of, missing_in, without_blanks
from services.portal.domain.renewal import (
    CHANGE_DOCUMENT_KIND,
    DEFAULT_PKB_MINIMUMS,
    HeldSkk,
    kind_errors,
    parse_pkb_minimums,
)
from services.portal.domain.section_models import MODELS
from shared.contracts.kinds import APPLICATION_KINDS as KINDS
from shared.contracts.kinds import CHANGE, PKB_DOCUMENT_KIND, RENEWAL
from shared.reference import KUALIFIKASI_JENJANG, ReferenceData, check_qualification
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
# Slots only one kind of application has (required by ``renewal.kind_errors`` at submission).
KIND_SLOTS: dict[str, dict[str, str]] = {
    "personal": {CHANGE_DOCUMENT_KIND: CHANGE},
    "qualification": {PKB_DOCUMENT_KIND: RENEWAL},
}
PAYMENT_PROOF_KIND = "payment_proof"
DOCUMENT_KINDS: frozenset[str] = frozenset(
    k for kinds in SECTION_DOCUMENTS.values() for k in kinds
) | {PAYMENT_PROOF_KIND, PKB_DOCUMENT_KIND, CHANGE_DOCUMENT_KIND}
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

APPLICATION_KINDS = KINDS  # baru, perpanjangan, perubahan (shared/contracts/kinds.py)

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
    # A renewal or a change: the held SKK it names (its data from the application that issued it).
    held: HeldSkk | None = None
    pkb_minimums: Mapping[int, int] = field(default_factory=lambda: parse_pkb_minimums(DEFAULT_PKB_MINIMUMS))

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


def _check_region(e: _Errors, ref: ReferenceData, province_code: str | None, regency_code: str | None,
                  where: str = "") -> None:
    if province_code is not None and province_code not in ref.provinces:
        e.add(where + "province_code", f"unknown province code {province_code!r}")
    if regency_code is None:
        return
    regency = ref.regencies.get(regency_code)
    if regency is None:
        e.add(where + "regency_code", f"unknown regency code {regency_code!r}")
    elif province_code is not None and regency["province_code"] != province_code:
        e.add(where + "regency_code", f"regency {regency_code} does not belong to province {province_code}")


def _check_period(e: _Errors, start: date | None, end: date | None, today: date, where: str = "",
                  end_may_be_future: bool = False) -> None:
    """Either date may still be missing (a draft; an ongoing job has no end date at all)."""
    if start is not None and start > today:
        e.add(where + "start_date", "must not be in the future")
    if end is not None and end > today and not end_may_be_future:
        e.add(where + "end_date", "must not be in the future")
    if start is not None and end is not None and start > end:
        e.add(where + "end_date", "must not be before start_date")


def _check_documents(e: _Errors, ctx: ValidationContext, section: str, documents: Mapping[str, str] | None,
                     where: str = "") -> None:
    """The documents named; a slot left empty is missing (``missing_fields``), not wrong."""
    documents = documents or {}
    kind_slots = KIND_SLOTS.get(section, {}) if not where else {}
    slots = (*SECTION_DOCUMENTS[section], *(k for k, kind in kind_slots.items() if kind == ctx.application_kind))
    for kind in slots:
        doc_id = documents.get(kind)
        path = f"{where}documents.{kind}"
        if doc_id is None:
            continue
        info = ctx.documents.get(doc_id)
        if info is None:
            e.add(path, f"document {doc_id!r} not found")
        elif info.kind != kind:
            e.add(path, f"document {doc_id!r} was uploaded as {info.kind!r}, not {kind!r}")
        elif kind == "photo" and info.content_type not in IMAGE_TYPES:
            e.add(path, "the photo must be a JPEG or PNG image")
    for kind in documents:
        if kind not in slots:
            e.add(f"{where}documents.{kind}", f"no document {kind!r} in this section; expected {', '.join(slots)}")


# The rules get the section's draft (``drafts.py``): a field still missing is None and skipped.
def _personal(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    if s.nik is not None:
        e.extend(nik_errors(s.nik, s.birth_date, s.gender, field=e.prefix + "nik"))
    if s.npwp is not None:
        e.extend(npwp_errors(s.npwp, field=e.prefix + "npwp"))
    if s.birth_date is not None and s.birth_date > ctx.today:
        e.add("birth_date", "must not be in the future")
    if s.phone is not None and not _PHONE.match(re.sub(r"[\s\-()]", "", s.phone)):
        e.add("phone", "must be a phone number of 8 to 15 digits, optionally starting with +")
    if s.postal_code is not None and not _POSTAL_CODE.match(s.postal_code):
        e.add("postal_code", "must be 5 digits")
    _check_region(e, ctx.ref, s.province_code, s.regency_code)
    _check_documents(e, ctx, "personal", s.documents)


def _education(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items or []):
        w = f"items.{i}."
        if item.graduation_year is None:
            pass
        elif item.graduation_year > ctx.today.year:
            e.add(w + "graduation_year", "must not be in the future")
        elif item.graduation_year < 1940:
            e.add(w + "graduation_year", "implausible graduation year")
        if item.level is not None and item.level not in ctx.ref.education_levels:
            e.add(w + "level", f"unknown education level {item.level!r}; one of {', '.join(ctx.ref.education_levels)}")
        _check_region(e, ctx.ref, item.province_code, item.regency_code, w)
        _check_documents(e, ctx, "education", item.documents, w)


def _experience(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items or []):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_region(e, ctx.ref, item.province_code, None, w)
        _check_documents(e, ctx, "experience", item.documents, w)


def _training(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items or []):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_documents(e, ctx, "training", item.documents, w)


def _case_studies(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items or []):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w)
        _check_documents(e, ctx, "case_studies", item.documents, w)


def _certificates(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    for i, item in enumerate(s.items or []):
        w = f"items.{i}."
        _check_period(e, item.start_date, item.end_date, ctx.today, w, end_may_be_future=True)
        _check_documents(e, ctx, "certificates", item.documents, w)


def _qualification(e: _Errors, s: Any, ctx: ValidationContext) -> None:
    chosen = (s.lsp_code, s.klasifikasi_code, s.subklasifikasi_code, s.kualifikasi, s.jabatan_kerja_code, s.jenjang)
    if None not in chosen:
        e.extend(check_qualification(
            ctx.ref, lsp_code=s.lsp_code, klasifikasi_code=s.klasifikasi_code,
            subklasifikasi_code=s.subklasifikasi_code, kualifikasi=s.kualifikasi,
            jabatan_kerja_code=s.jabatan_kerja_code, jenjang=s.jenjang, prefix=e.prefix,
        ))
    else:
        _known_codes(e, s, ctx.ref)
    if s.asosiasi_code is not None and s.asosiasi_code not in ctx.ref.asosiasi:
        e.add("asosiasi_code", f"unknown asosiasi {s.asosiasi_code!r}")
    tuk = ctx.ref.tuks.get(s.tuk_code) if s.tuk_code is not None else None
    if s.tuk_code is not None and tuk is None:
        e.add("tuk_code", f"unknown TUK {s.tuk_code!r}")
    elif tuk is not None and s.lsp_code is not None and tuk["lsp_code"] != s.lsp_code:
        e.add("tuk_code", f"TUK {s.tuk_code} belongs to {tuk['lsp_code']}, not to LSP {s.lsp_code}")
    if s.pkb_credits is not None and ctx.application_kind != RENEWAL:
        e.add("pkb_credits", "kredit PKB hanya diisi pada permohonan perpanjangan")
    if s.application_kind is not None and s.application_kind != ctx.application_kind:
        e.add("application_kind", f"must be {ctx.application_kind!r}, the kind of this application")
    _check_documents(e, ctx, "qualification", s.documents)


def _known_codes(e: _Errors, s: Any, ref: ReferenceData) -> None:
    """A qualification still half-chosen: each code given must exist (the combination is
    checked once all are there)."""
    known: dict[str, Container[str]] = {
        "lsp_code": ref.lsps, "klasifikasi_code": ref.klasifikasi, "subklasifikasi_code": ref.subklasifikasi,
        "kualifikasi": KUALIFIKASI_JENJANG, "jabatan_kerja_code": ref.jabatan_kerja,
    }
    for name, codes in known.items():
        value = getattr(s, name)
        if value is not None and value not in codes:
            e.add(name, f"unknown {name.removesuffix('_code')} {value!r}")


_RULES: dict[str, Callable[[_Errors, Any, ValidationContext], None]] = {
    "personal": _personal,
    "education": _education,
    "experience": _experience,
    "training": _training,
    "case_studies": _case_studies,
    "certificates": _certificates,
    "qualification": _qualification,
}


@dataclass(frozen=True)
class SectionCheck:
    """A section as it will be stored (normalised JSON, missing fields left out), what is
    malformed in it (then it is refused and nothing is saved) and what is still missing."""

    stored: dict[str, Any]
    errors: FieldErrors
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.errors and not self.missing


def check_section(section: str, payload: Any, ctx: ValidationContext) -> SectionCheck:
    """Save-time check: every malformed value, and the required fields still missing."""
    if section not in MODELS:
        return SectionCheck({}, [{"field": "section",
                                  "message": f"unknown section {section!r}; one of {', '.join(SECTION_NAMES)}"}], [])
    try:
        draft = draft_of(MODELS[section]).model_validate(without_blanks(payload))
    except ValidationError as exc:
        return SectionCheck({}, _pydantic_errors(section, exc), [])
    stored = draft.model_dump(mode="json", exclude_none=True)
    e = _Errors(section + ".")
    e.extend(control_character_errors(stored, section))
    _RULES[section](e, draft, ctx)
    if not e.items:
        # A renewal's or change's own rules on what this section gives (PKB credits too few...).
        kind = kind_errors(ctx.application_kind, {section: stored}, ctx.held, ctx.pkb_minimums, complete=False)
        e.extend([x for x in kind if x["field"].startswith(section + ".")])
    missing = missing_fields(section, stored)
    return SectionCheck({} if e.items else stored, e.items, missing)


def missing_fields(section: str, stored: Mapping[str, Any]) -> list[str]:
    """The required fields, document slots and items a stored section still lacks."""
    model = MODELS[section]
    if section not in ITEM_SECTIONS:
        return missing_in(model, stored, section + ".", SECTION_DOCUMENTS[section])
    items = stored.get("items")
    if not items:
        return [f"{section}.items"] if items is None or section in NON_EMPTY_SECTIONS else []
    item_model = model.model_fields["items"].annotation.__args__[0]  # type: ignore[union-attr]
    return [m for i, item in enumerate(items)
            for m in missing_in(item_model, item, f"{section}.items.{i}.", SECTION_DOCUMENTS[section])]


def _missing_errors(missing: list[str]) -> FieldErrors:
    return [{"field": f, "message": ("the document is required" if ".documents." in f else "required")}
            for f in missing]


def validate_section(section: str, payload: Any, ctx: ValidationContext) -> tuple[dict[str, Any], FieldErrors]:
    """The section as it will be stored (normalised JSON) if complete, or every problem it has
    (the missing fields among them)."""
    checked = check_section(section, payload, ctx)
    if checked.complete:
        return checked.stored, []
    return {}, [*checked.errors, *_missing_errors(checked.missing)]


def validate_application(sections: Mapping[str, Any], ctx: ValidationContext) -> FieldErrors:
    """Everything again, as a whole, before a submission: each section complete and valid."""
    errors: FieldErrors = []
    for name in SECTION_NAMES:
        payload = sections.get(name)
        if payload is None:
            if name in REQUIRED_SECTIONS:
                errors.append({"field": name, "message": f"the {name} section is required"})
            continue
        errors.extend(validate_section(name, payload, ctx)[1])
    if not errors:
        errors.extend(kind_errors(ctx.application_kind, sections, ctx.held, ctx.pkb_minimums, complete=True))
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
