"""The seven steps of the application form as the pages show them: which inputs each section has
(in the seed's order), how a posted form becomes the section's payload for the use case, and how a
stored section becomes the form's values again.

Every input is named by its field path inside the section (``nik``, ``items.0.position``,
``documents.ktp``, ``items.0.documents.diploma``) and has the id ``f-<section>-<path>`` with the
dots as dashes (``f-experience-items-0-position``), so an error naming
``experience.items.0.position`` lands beside its input. A file input is named ``file.<path>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.portal.domain.sections import ITEM_SECTIONS, KIND_SLOTS, SECTION_DOCUMENTS, SECTION_NAMES

# Step number (1..7) -> section, and back.
STEPS: tuple[str, ...] = SECTION_NAMES
STEP_OF: dict[str, int] = {name: i + 1 for i, name in enumerate(STEPS)}
# Items shown at most (the models allow more; a page of hundreds of items is not a form).
MAX_ITEMS = 50
FILE_PREFIX = "file."


@dataclass(frozen=True)
class Input:
    """One input of a section (or of each item of an item section)."""

    name: str
    kind: str = "text"  # text, textarea, date, number, email, tel, select
    options: str | None = None  # the option list of a select (form_options.py)
    required: bool = True
    attrs: tuple[tuple[str, str], ...] = ()  # inputmode, maxlength, autocomplete, min, max, step


_DIGITS = ("inputmode", "numeric")
_REGION = (Input("country"), Input("province_code", "select", "province"),
           Input("regency_code", "select", "regency"))

INPUTS: dict[str, tuple[Input, ...]] = {
    "personal": (
        Input("nik", attrs=(_DIGITS, ("maxlength", "16"), ("autocomplete", "off"))),
        Input("full_name", attrs=(("autocomplete", "name"),)),
        Input("birth_place"),
        Input("birth_date", "date", attrs=(("autocomplete", "bday"),)),
        Input("email", "email", attrs=(("autocomplete", "email"),)),
        Input("phone", "tel", attrs=(("autocomplete", "tel"),)),
        Input("npwp", attrs=(_DIGITS, ("maxlength", "20"))),
        Input("gender", "select", "gender"),
        Input("address", "textarea", attrs=(("autocomplete", "street-address"),)),
        *_REGION,
        Input("postal_code", attrs=(_DIGITS, ("maxlength", "5"), ("autocomplete", "postal-code"))),
    ),
    "education": (
        Input("institution"),
        Input("study_program"),
        Input("diploma_number"),
        Input("graduation_year", "number", attrs=(("min", "1940"), ("max", "2100"), ("step", "1"))),
        Input("level", "select", "education_level"),
        Input("address", "textarea"),
        *_REGION,
    ),
    "experience": (
        Input("experience_kind"),
        Input("project_name"),
        Input("province_code", "select", "province"),
        Input("start_date", "date"),
        Input("end_date", "date", required=False),
        Input("position"),
        Input("project_value", "number", attrs=(("min", "0"), ("step", "0.01"), ("inputmode", "decimal"))),
    ),
    "training": (
        Input("organizer"),
        Input("name"),
        Input("start_date", "date"),
        Input("end_date", "date"),
        Input("lesson_hours", "number", attrs=(("min", "0"), ("max", "10000"), ("step", "1"))),
        Input("days", "number", attrs=(("min", "0"), ("max", "3660"), ("step", "1"))),
    ),
    "case_studies": (
        Input("title"),
        Input("start_date", "date"),
        Input("end_date", "date"),
        Input("description", "textarea"),
    ),
    "certificates": (
        Input("name"),
        Input("issuer"),
        Input("start_date", "date"),
        Input("end_date", "date"),
    ),
    "qualification": (
        Input("lsp_code", "select", "lsp"),
        Input("klasifikasi_code", "select", "klasifikasi"),
        Input("subklasifikasi_code", "select", "subklasifikasi"),
        Input("jabatan_kerja_code", "select", "jabatan_kerja"),
        Input("kualifikasi", "select", "kualifikasi"),
        Input("jenjang", "select", "jenjang"),
        Input("asosiasi_code", "select", "asosiasi"),
        Input("kta_number"),
        Input("tuk_code", "select", "tuk"),
    ),
}
# Inputs only one kind of application has (section, application_kind): a renewal's PKB credits.
KIND_INPUTS: dict[tuple[str, str], tuple[Input, ...]] = {
    ("qualification", "perpanjangan"): (
        Input("pkb_credits", "number", required=False, attrs=(("min", "0"), ("max", "100000"), ("step", "1"))),
    ),
}


def inputs(section: str, kind: str = "baru") -> tuple[Input, ...]:
    """The section's inputs for an application of ``kind``."""
    return INPUTS[section] + KIND_INPUTS.get((section, kind), ())


def slots(section: str, kind: str = "baru", prefix: str = "") -> tuple[str, ...]:
    """The document slots of the section (or of an item: ``prefix``) for an application of ``kind``
    (a renewal's PKB evidence, a change's supporting document: domain/sections.py KIND_SLOTS)."""
    extra = () if prefix else tuple(k for k, only in KIND_SLOTS.get(section, {}).items() if only == kind)
    return SECTION_DOCUMENTS[section] + extra


# Carried from the stored section unchanged (no input on the page).
KEPT_FIELDS: dict[str, tuple[str, ...]] = {"qualification": ("self_assessment",)}


def dom_id(section: str, path: str) -> str:
    """``f-experience-items-0-position`` for ``experience`` / ``items.0.position``."""
    return "f-" + section + "-" + path.replace(".", "-")


def _prefix(section: str, index: int | None) -> str:
    return f"items.{index}." if section in ITEM_SECTIONS and index is not None else ""


def item_count(section: str, form: Mapping[str, Any], default: int = 0) -> int:
    if section not in ITEM_SECTIONS:
        return 0
    try:
        count = int(str(form.get("count", default)))
    except ValueError:
        count = default
    return max(0, min(count, MAX_ITEMS))


def _holder_from_form(section: str, form: Mapping[str, Any], prefix: str, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in inputs(section, kind):
        value = form.get(prefix + field.name)
        data[field.name] = value.strip() if isinstance(value, str) else None
    docs = {}
    for slot in slots(section, kind, prefix):
        value = form.get(f"{prefix}documents.{slot}")
        if isinstance(value, str) and value.strip():
            docs[slot] = value.strip()
    data["documents"] = docs
    return data


def payload_from_form(section: str, form: Mapping[str, Any], stored: Mapping[str, Any] | None,
                      application_kind: str) -> dict[str, Any]:
    """The section's payload as ``put_application_section`` takes it (blank fields are missing)."""
    if section in ITEM_SECTIONS:
        count = item_count(section, form)
        return {"items": [_holder_from_form(section, form, f"items.{i}.", application_kind) for i in range(count)]}
    payload = _holder_from_form(section, form, "", application_kind)
    if section == "qualification":
        payload["application_kind"] = application_kind
    for name in KEPT_FIELDS.get(section, ()):
        if stored and stored.get(name) is not None:
            payload[name] = stored[name]
    return payload


def _flatten(holder: Mapping[str, Any], section: str, prefix: str, out: dict[str, str], kind: str) -> None:
    for field in inputs(section, kind):
        value = holder.get(field.name)
        out[prefix + field.name] = "" if value is None else str(value)
    for kind, doc_id in (holder.get("documents") or {}).items():
        out[f"{prefix}documents.{kind}"] = str(doc_id)


def values_of(section: str, stored: Mapping[str, Any] | None, kind: str = "baru") -> tuple[dict[str, str], int]:
    """A stored section (or a payload) as the form's values by path, and its number of items."""
    out: dict[str, str] = {}
    stored = stored or {}
    if section not in ITEM_SECTIONS:
        _flatten(stored, section, "", out, kind)
        return out, 0
    items = list(stored.get("items") or [])[:MAX_ITEMS]
    for i, item in enumerate(items):
        _flatten(item, section, f"items.{i}.", out, kind)
    return out, len(items)


def remove_item(section: str, values: dict[str, str], count: int, index: int) -> tuple[dict[str, str], int]:
    """The values with item ``index`` taken out and the later items moved up."""
    if not 0 <= index < count:
        return values, count
    kept: dict[str, str] = {k: v for k, v in values.items() if not k.startswith("items.")}
    for i in range(count):
        if i == index:
            continue
        j = i if i < index else i - 1
        old, new = f"items.{i}.", f"items.{j}."
        kept.update({new + k[len(old):]: v for k, v in values.items() if k.startswith(old)})
    return kept, count - 1


def form_values(section: str, form: Mapping[str, Any], kind: str = "baru") -> tuple[dict[str, str], int]:
    """What the applicant posted, as the form's values by path (to show it again)."""
    count = item_count(section, form)
    out: dict[str, str] = {}
    prefixes = [f"items.{i}." for i in range(count)] if section in ITEM_SECTIONS else [""]
    for prefix in prefixes:
        for field in inputs(section, kind):
            value = form.get(prefix + field.name)
            out[prefix + field.name] = value if isinstance(value, str) else ""
        for slot in slots(section, kind, prefix):
            value = form.get(f"{prefix}documents.{slot}")
            if isinstance(value, str) and value:
                out[f"{prefix}documents.{slot}"] = value
    return out, count


def document_slots(section: str, count: int, kind: str = "baru") -> list[tuple[str, str]]:
    """``(path, document kind)`` of every document input of the section with ``count`` items."""
    prefixes = [f"items.{i}." for i in range(count)] if section in ITEM_SECTIONS else [""]
    return [(f"{p}documents.{slot}", slot) for p in prefixes for slot in slots(section, kind, p)]
