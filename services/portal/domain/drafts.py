"""Sections saved half-filled: what makes a value *missing* (saved as a draft, listed) rather than
*malformed* (refused, nothing saved).

Each section model of ``sections.py`` has a draft twin, derived here, in which every field may be
absent but a value that is there is checked exactly as in the full model. A field left out, null
or blank is missing; a bad NIK, date, code or a control character is malformed. The full model
says what is required (so does ``SECTION_DOCUMENTS`` for the documents).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, create_model

from services.portal.domain.accounts import CONTROL_MESSAGE, has_control_characters

FieldErrors = list[dict[str, str]]
# Free text that may span lines (an address, a case study's description): a line break or a tab
# is fine there, other control characters are not.
MULTILINE_FIELDS = frozenset({"address", "description"})
_LINE_BREAKS = str.maketrans("", "", "\r\n\t")


@cache
def draft_of(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every field optional (default None), its constraints kept; the items of a
    list of models are drafts too."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        args = get_args(annotation)
        if get_origin(annotation) is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            annotation = list[draft_of(args[0])]  # type: ignore[misc]
        inner: Any = Annotated[(annotation, *info.metadata)] if info.metadata else annotation
        fields[name] = (inner | None, None)
    draft: type[BaseModel] = create_model(f"Draft{model.__name__}", __config__=ConfigDict(extra="forbid"), **fields)
    return draft


def without_blanks(payload: Any) -> Any:
    """The payload with null and blank values left out (an empty form field is a missing one);
    lists keep their length so that item numbers stay the applicant's."""
    if isinstance(payload, Mapping):
        return {k: without_blanks(v) for k, v in payload.items()
                if v is not None and not (isinstance(v, str) and not v.strip())}
    if isinstance(payload, list):
        return [without_blanks(v) for v in payload]
    return payload


def required_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]


def missing_in(model: type[BaseModel], data: Mapping[str, Any], prefix: str,
               document_slots: tuple[str, ...] = ()) -> list[str]:
    """The required fields and document slots ``data`` (a stored draft) leaves empty."""
    missing = [prefix + name for name in required_fields(model) if name not in data]
    documents = data.get("documents") or {}
    missing += [f"{prefix}documents.{kind}" for kind in document_slots if kind not in documents]
    return missing


def control_character_errors(data: Any, field: str) -> FieldErrors:
    """Every string value of ``data`` (a stored draft) holding a control character, by field."""
    if isinstance(data, Mapping):
        return [e for k, v in data.items() for e in control_character_errors(v, f"{field}.{k}")]
    if isinstance(data, list):
        return [e for i, v in enumerate(data) for e in control_character_errors(v, f"{field}.{i}")]
    if isinstance(data, str):
        text = data.translate(_LINE_BREAKS) if field.rsplit(".", 1)[-1] in MULTILINE_FIELDS else data
        if has_control_characters(text):
            return [{"field": field, "message": CONTROL_MESSAGE}]
    return []
