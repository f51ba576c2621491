"""Rows the database hands back as JSON, so that a view with child rows (an application's
timeline, its invoice, its assessments) is one statement instead of one per child table: on
PostgreSQL each statement is a round trip, and round trips are most of a service's CPU
(shared/db_metrics.py).

PostgreSQL builds the JSON with ``json_build_object`` / ``json_agg``, SQLite with ``json_object``
/ ``json_group_array``. What JSON loses is restored in Python: timestamps come back as text
(:func:`utc_from_json`), decimals are sent as text (``CAST``) and read with :class:`Decimal`, and
an array's order is not kept by SQLite before 3.44, so each object carries its sort key and the
caller sorts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ColumnElement, Numeric, String, TypeDecorator, cast, func, literal_column, select
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import Label

# Key -> column (a Core column or a mapped attribute).
Fields = Mapping[str, "ColumnElement[Any] | QueryableAttribute[Any]"]


def _pairs(dialect: str, fields: Fields) -> list[Any]:
    pairs: list[Any] = []
    for key, field in fields.items():
        column: ColumnElement[Any] = field.expression
        if isinstance(column.type, TypeDecorator):
            # Its value is made in Python (an encrypted column's plaintext): the database's JSON
            # would carry what is stored, not what the column reads as.
            raise TypeError(f"{key!r}: a {type(column.type).__name__} column cannot be read as JSON")
        if isinstance(column.type, Numeric):
            column = cast(column, String)  # exact: a JSON number would pass through a float
        elif isinstance(column.type, JSON) and dialect == "sqlite":
            column = func.json(column)  # SQLite keeps JSON as text: embed it, do not quote it
        pairs += [literal_column(f"'{key}'"), column]
    return pairs


def json_object(dialect: str, fields: Fields) -> ColumnElement[Any]:
    """One JSON object of ``fields`` (keys are literals of ours, never input)."""
    build = func.json_build_object if dialect == "postgresql" else func.json_object
    return build(*_pairs(dialect, fields), type_=JSON)  # read back parsed, on either database


def json_array(dialect: str, fields: Fields, *where: ColumnElement[bool],
               label: str) -> Label[Any]:
    """A correlated scalar subquery: the rows matching ``where`` as a JSON array of objects of
    ``fields`` (NULL when there is none), labelled ``label``. Unordered: sort in Python."""
    aggregate = func.json_agg if dialect == "postgresql" else func.json_group_array
    return select(aggregate(json_object(dialect, fields), type_=JSON)).where(*where).scalar_subquery().label(label)


def json_one(dialect: str, fields: Fields, *where: ColumnElement[bool],
             label: str) -> Label[Any]:
    """A correlated scalar subquery: the one row matching ``where`` as a JSON object, or NULL."""
    return select(json_object(dialect, fields)).where(*where).scalar_subquery().label(label)


def utc_from_json(value: str) -> datetime:
    """A timestamp as the database wrote it into JSON, aware and in UTC as the columns read:
    PostgreSQL in ISO form with the session's offset, SQLite the UTC time without one
    (``shared.dialects.aware_sqlite_datetime``)."""
    at = datetime.fromisoformat(value)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def date_from_json(value: str) -> date:
    return date.fromisoformat(value[:10])


def decimal_from_json(value: str, places: int) -> Decimal:
    """A ``Numeric(_, places)`` sent as text, with the scale the column reads back with."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places))
