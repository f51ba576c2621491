"""What JSON loses on the way out of the database, restored (shared/sql_json.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, Numeric, String, Table, TypeDecorator
from sqlalchemy.dialects import postgresql, sqlite

from shared.sql_json import date_from_json, decimal_from_json, json_array, utc_from_json

_T = Table("t", MetaData(), Column("id", Integer), Column("amount", Numeric(14, 2)), Column("tags", JSON),
           Column("name", String))


def test_timestamps_come_back_aware_in_utc() -> None:
    utc = datetime(2026, 12, 5, 3, 4, 5, 120000, tzinfo=UTC)
    assert utc_from_json("2026-12-05T10:04:05.12+07:00") == utc  # PostgreSQL, a session offset
    assert utc_from_json("2026-12-05 03:04:05.120000") == utc  # SQLite, the UTC time without one
    assert utc_from_json("2026-12-05T10:04:05.12+07:00").tzinfo is UTC


def test_dates_and_decimals() -> None:
    assert date_from_json("2026-12-31") == date(2026, 12, 31)
    assert str(decimal_from_json("1500000", 2)) == "1500000.00"  # SQLite drops the scale
    assert str(decimal_from_json("999999999999.99", 2)) == "999999999999.99"  # no float on the way


@pytest.mark.parametrize(("dialect", "aggregate", "build", "embed"), [
    (postgresql.dialect(), "json_agg", "json_build_object", "CAST(t.amount AS VARCHAR)"),
    (sqlite.dialect(), "json_group_array", "json_object", "json(t.tags)"),
])
def test_each_database_builds_its_own_json(dialect: object, aggregate: str, build: str, embed: str) -> None:
    column = json_array(dialect.name, {"id": _T.c.id, "amount": _T.c.amount, "tags": _T.c.tags,  # type: ignore[attr-defined]
                                       "name": _T.c.name}, _T.c.id > 0, label="rows")
    sql = str(column.compile(dialect=dialect))  # type: ignore[arg-type]
    assert f"{aggregate}({build}(" in sql and embed in sql
    assert "'id', t.id" in sql and "'name', t.name" in sql


def test_a_column_decoded_in_python_is_refused() -> None:
    class Sealed(TypeDecorator[str]):
        impl = String
        cache_ok = True

    table = Table("s", MetaData(), Column("secret", Sealed()))
    with pytest.raises(TypeError, match="'secret'"):
        json_array("postgresql", {"secret": table.c.secret}, label="rows")
