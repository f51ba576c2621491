"""Strict, bounded scalar types for every contract and request model.

Pydantic's lax mode turns ``0`` into ``False``, ``true`` into ``1`` and ``-1`` into a datetime of
1969; a contract must refuse them. FastAPI validates a request body as Python objects (not as
JSON), where pydantic's strict mode would also refuse ISO strings for datetimes: so a timestamp
is parsed from its ISO 8601 string here and then checked strictly (a datetime, never a number).

Integers are bounded to what the databases store (a 32-bit ``INTEGER`` on PostgreSQL), so an
absurd value such as ``2**63`` is a 422 naming the field, never an overflow deep in a query.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BeforeValidator, Strict

INT32_MAX = 2**31 - 1


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("not an ISO 8601 date-time") from exc
    return value  # a datetime passes; anything else fails the strict check after this


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError("not an ISO 8601 date") from exc
    if isinstance(value, datetime):
        raise ValueError("a date, not a date-time")
    return value


# A count, a sequence, a size or a page figure: a whole number (never a bool, a float or a
# string), 0 or more, within the database's INTEGER range.
Count = Annotated[int, Strict(), Ge(0), Le(INT32_MAX)]
Bool = Annotated[bool, Strict()]
Timestamp = Annotated[datetime, Strict(), BeforeValidator(_iso_datetime)]
Day = Annotated[date, Strict(), BeforeValidator(_iso_date)]
# A whole number whose field states its own bounds: ``Whole = Field(ge=1, le=...)`` (pydantic
# keeps one bound of each kind, so the generic ones of ``Count`` would override a field's).
Whole = Annotated[int, Strict()]
# What a resubmission, a payment proof or a report round can count up to for one application.
MAX_PER_APPLICATION = 10_000


def inline_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON Schema with its ``$defs`` put in place of each ``$ref`` (for a schema set
    inline in an OpenAPI document, where ``#/$defs/...`` would point at the document's root)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]
