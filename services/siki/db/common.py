"""What the data access modules share: the tables for plain Core statements (no ORM unit of
work on the hot paths) and the reading of stored times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import Insert, Row, Table, Update, insert, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from services.siki.db.models import (
    Application,
    ApplicationForm,
    OutboxEvent,
    StatusReportRecord,
    StoredDocument,
    TimelineEntry,
    WebhookAttempt,
    WebhookDelivery,
)

APPLICATIONS = cast(Table, Application.__table__)
TIMELINE = cast(Table, TimelineEntry.__table__)
DELIVERIES = cast(Table, WebhookDelivery.__table__)
REPORTS = cast(Table, StatusReportRecord.__table__)
ATTEMPTS = cast(Table, WebhookAttempt.__table__)
OUTBOX = cast(Table, OutboxEvent.__table__)
DOCUMENTS = cast(Table, StoredDocument.__table__)
FORMS = cast(Table, ApplicationForm.__table__)

# A row of selected columns (read by name).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC
    (and a naive time from a caller is taken as UTC too)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


async def execute_with(s: AsyncSession, statement: Insert | Update, also: Sequence[Insert]) -> None:
    """``statement`` and the inserts ``also``: one statement on PostgreSQL (data-modifying CTEs
    run whether or not referenced, in the same transaction), where each was a round trip in the
    application's locked transaction."""
    if s.get_bind().dialect.name != "postgresql":  # SQLite has no data-modifying CTE
        await s.execute(statement)
        for insert_ in also:
            await s.execute(insert_)
        return
    for n, insert_ in enumerate(also):
        statement = statement.add_cte(insert_.cte(f"also_{n}"))
    await s.execute(statement)


def rows_insert(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
    """An insert of ``rows`` (one or more, the same keys in each) that SQLAlchemy can cache. A multi-row
    VALUES has no cache key, so each use compiled the whole statement again, about 1 ms with its
    CTEs; one row is a plain VALUES, several an INSERT ... SELECT of one SELECT per row joined
    by UNION ALL, which inserts them in their order (the outbox's order is the events')."""
    if len(rows) == 1:
        return insert(table).values(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.key in rows[0] or column.default is None:
            continue
        if not isinstance(column.default, ScalarElementColumnDefault):
            return insert(table).values(list(rows))  # computed per row: SQLAlchemy's own VALUES
        defaults[column.key] = column.default.arg  # an INSERT ... SELECT adds none itself
    keys = [*rows[0], *defaults]
    filled = [{**row, **defaults} for row in rows]
    each = [select(*(literal(row[k], table.c[k].type).label(k) for k in keys)) for row in filled]
    return insert(table).from_select(keys, union_all(*each))
