"""New rows written with one statement instead of one round trip per table.

A use case stages its new rows as ORM objects (a timeline entry, a status report, an outbox
event: ``session.add``); the flush then inserts them table by table, a round trip each. The
functions here take such rows out of the unit of work and send them as inserts folded into one
statement, on PostgreSQL as data-modifying CTEs (which run whether referenced or not, in the
same transaction); SQLite has none, so there they go one statement each, as the flush would.

Within a table the rows go in in the order they were staged (an outbox's order is its events'
order); PostgreSQL runs the CTEs themselves in no set order, so rows of one table are always
one insert. Services' data access modules use these for their hot writes (SIKI's steps, the
LSP's steps, the portal's status mirror).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CTE, Insert, Select, Table, Update, exists, insert, inspect, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from shared.direct_sql import all_rows_in


def rows_insert(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
    """An insert of ``rows`` (one or more, the same keys in each) that SQLAlchemy can cache. A multi-row
    VALUES has no cache key, so each use compiled the whole statement again, about 1 ms with its
    CTEs; one row is a plain VALUES, several an INSERT ... SELECT of one SELECT per row joined
    by UNION ALL, which inserts them in their order (the outbox's order is the events')."""
    if len(rows) == 1:
        return insert(table).values(rows[0])
    found = _row_selects(table, rows)
    if found is None:  # a default computed from the row: SQLAlchemy's own VALUES
        return insert(table).values(list(rows))
    keys, each = found
    return insert(table).from_select(keys, union_all(*each))


def rows_insert_if(table: Table, rows: Sequence[dict[str, Any]], only_if: CTE) -> Insert | None:
    """As :func:`rows_insert`, the rows going in only if ``only_if`` (a CTE of the same
    statement) yields a row; None when a default computed from the row leaves no such insert."""
    found = _row_selects(table, rows)
    if found is None:
        return None
    keys, each = found
    each = [one.where(exists(only_if.select())) for one in each]
    return insert(table).from_select(keys, each[0] if len(each) == 1 else union_all(*each))


def _row_selects(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[Select[Any]]] | None:
    """The columns and one SELECT of literals per row, for an INSERT ... SELECT; None when a
    column's default is computed from the row (only SQLAlchemy's VALUES applies those)."""
    # An INSERT ... SELECT adds no defaults itself: the scalar ones as they are, a function of no
    # arguments (SQLAlchemy wraps those) called for each row, as a flush would.
    defaults: dict[str, ScalarElementColumnDefault | CallableColumnDefault] = {}
    for column in table.columns:
        default = column.default
        if column.key in rows[0] or default is None:
            continue
        if not (isinstance(default, ScalarElementColumnDefault)
                or (isinstance(default, CallableColumnDefault) and hasattr(default.arg, "__wrapped__"))):
            return None
        defaults[column.key] = default
    keys = [*rows[0], *defaults]
    filled = [{**row, **{k: d.arg(None) if d.is_callable else d.arg  # type: ignore[arg-type]
                         for k, d in defaults.items()}} for row in rows]
    return keys, [select(*(literal(row[k], table.c[k].type).label(k) for k in keys)) for row in filled]


async def execute_with(s: AsyncSession, statement: Insert | Update, also: Sequence[Insert],
                       params: Mapping[str, Any] | None = None) -> None:
    """``statement`` (with ``params``, its own) and the inserts ``also``: one statement on
    PostgreSQL, one each elsewhere."""
    if s.get_bind().dialect.name != "postgresql":  # SQLite has no data-modifying CTE
        await s.execute(statement, params)
        for insert_ in also:
            await s.execute(insert_)
        return
    for n, insert_ in enumerate(also):
        statement = statement.add_cte(insert_.cte(f"also_{n}"))
    await all_rows_in(s, statement, params)  # directly on the driver's connection where it can


def _staged(s: AsyncSession, model: type[Any]) -> list[Any]:
    """The states of the new ``model`` rows (exactly that class) staged in ``s``, oldest first."""
    return sorted((inspect(row) for row in s.new if type(row) is model), key=lambda state: state.insert_order or 0)


def _values(state: Any) -> dict[str, Any]:
    return {c.key: state.dict[c.key] for c in state.mapper.local_table.columns if c.key in state.dict}


def staged_values(s: AsyncSession, model: type[Any]) -> list[dict[str, Any]]:
    """The column values of the new ``model`` rows staged in ``s`` (exactly that class), in the
    order they were staged, taken out of the unit of work: the caller inserts them. None are
    taken (an empty list) if their set columns differ, never expected of one use case's rows:
    those are left to the flush."""
    staged = _staged(s, model)
    values = [_values(state) for state in staged]
    if not values or any(v.keys() != values[0].keys() for v in values):
        return []
    for state in staged:
        s.expunge(state.obj())
    return values


def take_last_staged(s: AsyncSession, model: type[Any]) -> dict[str, Any] | None:
    """The column values of the ``model`` row staged last in ``s`` (just now, by the caller),
    taken out of the unit of work for the caller's own statement; None if none."""
    staged = _staged(s, model)
    if not staged:
        return None
    values = _values(staged[-1])  # first: once expunged, nothing may hold the row any more
    s.expunge(staged[-1].obj())
    return values


def take_staged(s: AsyncSession, *models: type[Any]) -> list[Insert]:
    """The new rows of ``models`` staged in ``s``, taken out of the unit of work as one insert
    per table (rows in the order staged), for the caller to send with its own statement."""
    inserts = []
    for model in models:
        values = staged_values(s, model)
        if values:
            inserts.append(rows_insert(cast(Table, model.__table__), values))
    return inserts


def take_staged_if(s: AsyncSession, only_if: CTE, *models: type[Any]) -> list[Insert] | None:
    """As :func:`take_staged`, each insert going in only if ``only_if`` yields a row; None (and
    ``s`` no longer to be used) when a table's defaults leave no such insert."""
    inserts = []
    for model in models:
        values = staged_values(s, model)
        if values:
            guarded = rows_insert_if(cast(Table, model.__table__), values, only_if)
            if guarded is None:
                return None
            inserts.append(guarded)
    return inserts


async def flush_with_staged(s: AsyncSession, *models: type[Any]) -> None:
    """Flush ``s``: the new rows of ``models`` with one statement, after everything else the
    session holds (the rows they refer to, a versioned row's update and its check)."""
    inserts = take_staged(s, *models)
    await s.flush()
    if inserts:
        await execute_with(s, inserts[-1], inserts[:-1])
