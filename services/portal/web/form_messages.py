"""What the form shows for the section rules' errors and missing fields: the rules speak English
(they are the API's too), the page speaks Bahasa Indonesia. Each known message maps to a catalogue
key (``form.error.*``); an unknown one is shown as it is, so nothing the rules say is lost. Field
paths (``experience.items.0.position``) become labels ("Pengalaman proyek 1 - Jabatan")."""

from __future__ import annotations

import re
from collections.abc import Callable

from services.portal.domain.sections import SECTION_NAMES

Translate = Callable[..., str]

# (pattern on the rule's message, catalogue key); the first match wins.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), k) for p, k in (
    (r"^required$|^field required$", "form.error.required"),
    (r"^the document is required$", "form.error.document_required"),
    (r"^NIK must be exactly 16 digits$", "form.error.nik_digits"),
    (r"^NIK's region code or birth date", "form.error.nik_invalid"),
    (r"^not a valid NIK$", "form.error.nik_invalid"),
    (r"^NIK's encoded gender", "form.error.nik_gender"),
    (r"^NIK's encoded birth date", "form.error.nik_birth_date"),
    (r"^NPWP must have", "form.error.npwp_digits"),
    (r"^NPWP's check digit", "form.error.npwp_check"),
    (r"^not a valid NPWP$", "form.error.npwp_invalid"),
    (r"^must not be in the future$", "form.error.future"),
    (r"^must not be before start_date$", "form.error.before_start"),
    (r"^must be a phone number", "form.error.phone"),
    (r"^must be 5 digits$", "form.error.postal_code"),
    (r"^implausible graduation year$", "form.error.graduation_year"),
    (r"^unknown ", "form.error.unknown_code"),
    (r"^regency .* does not belong to province", "form.error.regency_province"),
    (r"^subklasifikasi .* does not belong", "form.error.sub_klasifikasi"),
    (r"^jabatan kerja .* does not belong", "form.error.jabatan_sub"),
    (r"^jenjang .* does not match kualifikasi", "form.error.jenjang_kualifikasi"),
    (r"^jabatan kerja .* has no jenjang", "form.error.jabatan_jenjang"),
    (r"^jabatan kerja .* is .*, not ", "form.error.jabatan_kualifikasi"),
    (r"^LSP .* is not licensed", "form.error.lsp_licence"),
    (r"^TUK .* belongs to", "form.error.tuk_lsp"),
    (r"^the photo must be", "form.error.photo"),
    (r"^document .* not found$", "form.error.document_unknown"),
    (r"^document .* was uploaded as", "form.error.document_kind"),
    (r"^must not contain line breaks", "form.error.control"),
    (r"^Input should be a valid date", "form.error.date"),
    (r"^Input should be a valid (integer|number)", "form.error.integer"),
    (r"^(Input should be a valid decimal|Decimal input should)", "form.error.number"),
    (r"^Input should be 'L' or 'P'", "form.error.choice"),
    (r"^Input should be greater than", "form.error.too_small"),
    (r"^Input should be less than", "form.error.too_large"),
    (r"^String should have at most", "form.error.too_long"),
    (r"^value is not a valid email address", "form.error.email"),
    (r"^(Decimal input should have|Decimal input should) ", "form.error.number"),
    (r"^not a PDF, JPEG or PNG file$", "form.error.file_type"),
    (r"^at most \d+ bytes$", "form.error.file_size"),
    (r"^the file is empty$", "form.error.file_empty"),
    (r"^at most \d+ documents per account$", "form.error.quota_count"),
    (r"bytes of documents per account", "form.error.quota_bytes"),
    (r"^the \w+ section is required$", "form.error.section_required"),
    (r"^SIKI is not reachable", "form.error.siki_down"),
    (r"^cannot .* while the application is", "form.error.status"),
))


def error_text(message: str, t: Translate) -> str:
    """The rule's message in Bahasa Indonesia (already Indonesian, or unknown: as it is)."""
    for pattern, key in _PATTERNS:
        if pattern.search(message):
            return t(key)
    return message


def refusal_label(path: str, t: Translate) -> str:
    """The label of a field a refusal names; "" for what is not one of the form's fields."""
    return field_label(path, t) if path.split(".")[0] in SECTION_NAMES else ""


def field_label(path: str, t: Translate, *, short: bool = False) -> str:
    """``experience.items.0.position`` -> "Pengalaman proyek 1 - Jabatan"; ``short``: without the
    section's name (shown within the section)."""
    parts = path.split(".")
    section, rest = parts[0], parts[1:]
    where = [] if short else [t(f"form.section.{section}")]
    if len(rest) >= 2 and rest[0] == "items" and rest[1].isdigit():
        where = [t(f"form.item.{section}", n=int(rest[1]) + 1)]
        rest = rest[2:]
    elif rest == ["items"]:
        return t("form.missing_items", section=t(f"form.section.{section}"))
    if len(rest) >= 2 and rest[0] == "documents":
        name = t(f"form.document.{rest[1]}")
    elif rest:
        name = field_name(section, rest[0], t)
    else:
        return t(f"form.section.{section}")
    return " - ".join([*where, name])


# Inputs whose label differs by section (``form.field.<section>.<name>``); the others share
# ``form.field.<name>``.
OWN_LABELS = frozenset({("training", "name"), ("certificates", "name"), ("experience", "province_code"),
                        ("education", "address"), ("certificates", "end_date")})


def field_name(section: str, name: str, t: Translate) -> str:
    """The label of one input: the section's own wording if it has one, else the common one."""
    return t(f"form.field.{section}.{name}" if (section, name) in OWN_LABELS else f"form.field.{name}")
