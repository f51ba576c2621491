"""What differs between the two databases a service runs on, PostgreSQL and SQLite, and is
imported only for the one in use: a service on PostgreSQL never imports SQLite's dialect (0.5 MiB
of its idle RSS, issue 17), nor one on SQLite PostgreSQL's."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import types as sqltypes
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


@functools.cache
def conflict_insert(dialect: str) -> Callable[..., PostgresInsert | SqliteInsert]:
    """``insert`` with ``ON CONFLICT`` of ``dialect`` (a dialect's name: ``postgresql``, else
    SQLite's), imported from that dialect's package when first asked for."""
    package = "postgresql" if dialect == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{package}").insert  # type: ignore[no-any-return]


def session_insert(session: AsyncSession) -> Callable[..., PostgresInsert | SqliteInsert]:
    """:func:`conflict_insert` of the database ``session`` is bound to."""
    return conflict_insert(session.get_bind().dialect.name)


@functools.cache
def aware_sqlite_datetime() -> type[sqltypes.DateTime]:
    """``DateTime(timezone=True)`` on SQLite, which stores no offset: written in UTC, read back
    aware (UTC), as PostgreSQL's ``timestamptz`` answers. Without it every such column reads
    back naive on SQLite and an API answers a ``date-time`` without its offset. Defined when the
    first SQLite engine is made."""
    from sqlalchemy.dialects.sqlite.base import DATETIME

    class AwareSqliteDateTime(DATETIME):
        cache_ok = True

        def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
            base = super().bind_processor(dialect)
            aware = self.timezone

            def process(value: Any) -> Any:
                if aware and isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.astimezone(UTC).replace(tzinfo=None)
                return base(value) if base else value

            return process

        def result_processor(self, dialect: Any, coltype: object) -> Callable[[Any], Any] | None:
            base = super().result_processor(dialect, coltype)
            aware = self.timezone

            def process(value: Any) -> Any:
                value = base(value) if base else value
                if aware and isinstance(value, datetime) and value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
                return value

            return process

    return AwareSqliteDateTime
