"""What a step's template is given: for the section (or each of its items) the inputs in the
seed's order with their labels, values, errors, picker options and document slots, and for the
whole application the state of each section (complete, what is missing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.portal.domain.sections import (
    ITEM_SECTIONS,
    NON_EMPTY_SECTIONS,
    REQUIRED_SECTIONS,
    missing_fields,
)
from services.portal.web.form_fields import STEP_OF, STEPS, dom_id, inputs, slots
from services.portal.web.form_messages import Translate, field_label, field_name
from services.portal.web.form_options import OptionView, option_views, parent_values, pickers

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
DOC_PREFIX = "doc."  # the hidden input holding a slot's document id: ``doc.<path>``
# Optional inputs get a hint saying so; some have their own.
HINTS: dict[tuple[str, str], str] = {
    ("personal", "nik"): "form.hint.nik", ("personal", "npwp"): "form.hint.npwp",
    ("personal", "phone"): "form.hint.phone", ("experience", "end_date"): "form.hint.end_date_ongoing",
    ("experience", "project_value"): "form.hint.project_value",
    ("certificates", "end_date"): "form.hint.valid_until",
    ("qualification", "pkb_credits"): "form.hint.pkb_credits",
}


@dataclass(frozen=True)
class DocInfo:
    """One of the applicant's uploaded documents, as a slot shows it."""

    id: str
    kind: str
    content_type: str
    size: int
    created_at: datetime

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def url(self) -> str:
        return f"/permohonan/dokumen/{self.id}"

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:.1f} KB".replace(".", ",") if self.size < 1024 * 1024 \
            else f"{self.size / 1024 / 1024:.1f} MB".replace(".", ",")


@dataclass
class Widget:
    kind: str  # text, textarea, date, number, email, tel, select, document
    name: str  # the full field path: ``experience.items.0.position``
    id: str
    label: str
    value: str = ""
    required: bool = True
    hint: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[OptionView] = field(default_factory=list)
    parents: str = ""  # ids of the parent pickers, space-separated
    needs_parent: bool = False
    document: DocInfo | None = None
    accept: str = ""


@dataclass
class Holder:
    """The section, or one of its items: a title (items) and the widgets."""

    title: str | None
    index: int | None
    widgets: list[Widget]


def _widgets(section: str, prefix: str, values: Mapping[str, str], docs: Mapping[str, DocInfo],
             t: Translate, application_kind: str) -> list[Widget]:
    all_pickers = pickers()
    out: list[Widget] = []
    for spec in inputs(section, application_kind):
        path = prefix + spec.name
        full = f"{section}.{path}"
        hint_key = HINTS.get((section, spec.name))
        w = Widget(kind=spec.kind, name=full, id=dom_id(section, path), label=field_name(section, spec.name, t),
                   value=values.get(path, ""), required=spec.required,
                   hint=t(hint_key) if hint_key else (None if spec.required else t("form.hint.optional")),
                   attrs=dict(spec.attrs))
        if spec.kind == "select" and spec.options:
            picker = all_pickers[spec.options]
            w.options = option_views(picker, w.value, parent_values(picker, values, prefix))
            if spec.options == "gender":
                w.options = [OptionView(o.value, t(f"form.gender.{o.value}"), o.keys, o.selected, o.hidden)
                             for o in w.options]
            elif spec.options == "jenjang":
                w.options = [OptionView(o.value, t("form.option.jenjang", value=o.value), o.keys, o.selected,
                                        o.hidden) for o in w.options]
            w.parents = " ".join(dom_id(section, prefix + p) for p in picker.parents)
            w.needs_parent = picker.needs_parent
        out.append(w)
    for kind in slots(section, application_kind, prefix):
        path = f"{prefix}documents.{kind}"
        doc_id = values.get(path, "")
        out.append(Widget(kind="document", name=f"{section}.{path}", id=dom_id(section, path),
                          label=t(f"form.document.{kind}"), value=doc_id, document=docs.get(doc_id),
                          hint=t("form.hint.photo" if kind == "photo" else "form.hint.document"),
                          accept="image/jpeg,image/png" if kind == "photo" else "application/pdf,image/jpeg,image/png"))
    return out


def holders(section: str, values: Mapping[str, str], count: int, docs: Mapping[str, DocInfo],
            t: Translate, application_kind: str = "baru") -> list[Holder]:
    if section not in ITEM_SECTIONS:
        return [Holder(None, None, _widgets(section, "", values, docs, t, application_kind))]
    return [Holder(t(f"form.item.{section}", n=i + 1), i,
                   _widgets(section, f"items.{i}.", values, docs, t, application_kind))
            for i in range(count)]


def rendered_fields(hs: list[Holder]) -> set[str]:
    return {w.name for h in hs for w in h.widgets}


@dataclass(frozen=True)
class SectionState:
    step: int
    section: str
    title: str
    saved: bool
    complete: bool
    missing: list[tuple[str, str, str]]  # (field path, label, link to the input)


def section_state(section: str, stored: Mapping[str, Any] | None, application_id: str, t: Translate) -> SectionState:
    """Complete, or what is still missing (an optional item section left alone is complete)."""
    step = STEP_OF[section]
    if stored is None:
        missing = [section] if section in REQUIRED_SECTIONS else []
        if section in NON_EMPTY_SECTIONS:
            missing = [f"{section}.items"]
    else:
        missing = missing_fields(section, stored)
    base = f"/permohonan/{application_id}/langkah/{step}"
    links = [(m, field_label(m, t, short=True) if m != section else t("form.section_not_filled"),
              f"{base}#{dom_id(section, m.removeprefix(section + '.'))}" if m != section else base)
             for m in missing]
    return SectionState(step, section, t(f"form.section.{section}"), stored is not None, not missing, links)


def states(sections: Mapping[str, Any], application_id: str, t: Translate) -> list[SectionState]:
    return [section_state(name, sections.get(name), application_id, t) for name in STEPS]
