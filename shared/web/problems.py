"""Errors to show beside form fields: the service's rule errors (DomainError with ``errors``),
pydantic's validation errors, a problem+json body or :class:`shared.errors.Problem`, each turned
into ``{field: message}``; an error that names no field is under ``FORM`` ("_form")."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.exceptions import DomainError

FORM = "_form"

# pydantic's error types in Bahasa Indonesia; anything else keeps pydantic's own message.
_PYDANTIC_ID = {
    "missing": "Wajib diisi.",
    "string_too_short": "Terlalu pendek.",
    "string_too_long": "Terlalu panjang.",
    "string_pattern_mismatch": "Formatnya tidak sesuai.",
    "string_type": "Harus berupa teks.",
    "int_parsing": "Harus berupa angka bulat.",
    "int_type": "Harus berupa angka bulat.",
    "float_parsing": "Harus berupa angka.",
    "decimal_parsing": "Harus berupa angka.",
    "date_parsing": "Tanggal tidak valid.",
    "date_from_datetime_parsing": "Tanggal tidak valid.",
    "date_type": "Tanggal tidak valid.",
    "datetime_parsing": "Waktu tidak valid.",
    "value_error": "Nilai tidak valid.",
    "enum": "Pilihan tidak valid.",
    "literal_error": "Pilihan tidak valid.",
    "bool_parsing": "Pilihan tidak valid.",
    "greater_than_equal": "Nilainya terlalu kecil.",
    "less_than_equal": "Nilainya terlalu besar.",
    "too_short": "Terlalu sedikit.",
    "too_long": "Terlalu banyak.",
}
_LOCATIONS = ("body", "query", "path", "header", "cookie", "form")


def _field(loc: Any) -> str:
    if isinstance(loc, str):
        return loc or FORM
    parts = [str(p) for p in (loc or ())]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or FORM


def _from_list(errors: list[dict[str, Any]], detail: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for error in errors:
        field = _field(error.get("field", error.get("loc", "")))
        out.setdefault(field, str(error.get("message", error.get("msg", "tidak valid"))))
    if not out and detail:
        out[FORM] = detail
    return out


def problem_errors(problem: object) -> dict[str, str]:
    """``{field: message}`` for a form: from a DomainError, a pydantic ValidationError, a
    :class:`shared.errors.Problem`, or a problem+json body (dict)."""
    if isinstance(problem, ValidationError):
        out: dict[str, str] = {}
        for err in problem.errors():
            message = _PYDANTIC_ID.get(str(err.get("type", "")), str(err.get("msg", "tidak valid")))
            if err.get("type") == "value_error":
                message = str(err.get("msg", message)).removeprefix("Value error, ")
            out.setdefault(_field(err.get("loc", ())), message)
        return out
    if isinstance(problem, DomainError):
        return _from_list(problem.errors, problem.detail)
    if isinstance(problem, dict):
        return _from_list(list(problem.get("errors") or []), problem.get("detail") or problem.get("title"))
    errors = getattr(problem, "errors", None)
    detail = getattr(problem, "detail", None)
    if isinstance(errors, list):
        return _from_list(errors, str(detail) if detail else None)
    return {FORM: str(detail or problem)}
