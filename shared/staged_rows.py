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

Rows are sent as a :class:`Shaped` statement: built once for its shape (the table, the columns,
the number of rows, the guard) with the rows' values as bind parameters, so that a step builds
no statement and SQLAlchemy finds the compiled form by a cache key it has memoised on the kept
object. The whole step statement (a shaped update or insert with shaped rows as its CTEs) is
kept the same way (:func:`combined`). Built per call, as literal values, the statement and the
walk of its cache key cost about 0.4 ms of CPU for SIKI's report step (2026-12-07).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    CTE,
    BindParameter,
    Executable,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    exists,
    insert,
    inspect,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from shared.direct_sql import all_rows_in

# Shapes are few (a service's tables, their column sets, one to a few rows); the bound only
# keeps a caller that built a new shape per call from growing the process.
_MAX_SHAPES = 1024


@dataclass(frozen=True, eq=False)
class Shaped:
    """``statement``, built once for its shape and kept (never built per call), and this call's
    ``params``. Keeping it is what lets :func:`combined` key its combined statement on it."""

    statement: Executable
    params: Mapping[str, Any] = field(default_factory=dict)


def rows_insert(table: Table, rows: Sequence[dict[str, Any]]) -> Shaped:
    """An insert of ``rows`` (one or more, the same keys in each), in their order (an outbox's
    order is its events'): one row a VALUES, several an INSERT ... SELECT of one SELECT per row
    joined by UNION ALL. Where a column's default is computed from the row (only SQLAlchemy's
    own VALUES applies those) it is SQLAlchemy's multi-row VALUES, built for this call."""
    found = _filled(table, rows)
    if found is None:
        return Shaped(insert(table).values(list(rows)) if len(rows) > 1 else insert(table).values(rows[0]))
    keys, filled = found
    return Shaped(_rows_statement(table, keys, len(rows), None), _params(table, keys, filled))


def rows_insert_if(table: Table, rows: Sequence[dict[str, Any]], only_if: CTE) -> Shaped | None:
    """As :func:`rows_insert`, the rows going in only if ``only_if`` (a CTE of the same
    statement, itself kept) yields a row; None when a default computed from the row leaves no
    such insert."""
    found = _filled(table, rows)
    if found is None:
        return None
    keys, filled = found
    return Shaped(_rows_statement(table, keys, len(rows), only_if), _params(table, keys, filled))


@functools.lru_cache(maxsize=_MAX_SHAPES)
def _rows_statement(table: Table, keys: tuple[str, ...], count: int, only_if: CTE | None) -> Insert:
    """The insert of ``count`` rows of ``keys`` (only if ``only_if`` yields a row), built once."""
    if only_if is None and count == 1:
        return insert(table).values(bound(table, keys, _row_prefix(table, 0)))
    each = _selects(table, keys, count)
    if only_if is not None:
        each = [one.where(exists(only_if.select())) for one in each]
    return insert(table).from_select(list(keys), each[0] if len(each) == 1 else union_all(*each))


def bound(table: Table, columns: tuple[str, ...], prefix: str) -> dict[str, BindParameter[Any]]:
    """``{column: :<prefix>_<column>}`` typed as the column: the values of a statement kept per
    shape (the columns it sets), given as parameters when it runs."""
    return {c: bindparam(f"{prefix}_{c}", type_=table.c[c].type) for c in columns}


def _name(table: Table, n: int, key: str) -> str:
    return f"{_row_prefix(table, n)}_{key}"


def _row_prefix(table: Table, n: int) -> str:
    # Named by table and row: the parts of one statement share one parameter dict.
    return f"{table.name}_{n}"


def _selects(table: Table, keys: tuple[str, ...], count: int) -> list[Select[Any]]:
    return [select(*(param.label(k) for k, param in bound(table, keys, _row_prefix(table, n)).items()))
            for n in range(count)]


def _params(table: Table, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {_name(table, n, k): row[k] for n, row in enumerate(rows) for k in keys}


def _filled(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], list[dict[str, Any]]] | None:
    """The columns and the rows with the defaults of the columns they leave out; None when a
    column's default is computed from the row (only SQLAlchemy's VALUES applies those)."""
    # Bound parameters take no defaults from SQLAlchemy: the scalar ones as they are, a
    # function of no arguments (SQLAlchemy wraps those) called for each row, as a flush would.
    defaults: dict[str, ScalarElementColumnDefault | CallableColumnDefault] = {}
    for column in table.columns:
        default = column.default
        if column.key in rows[0] or default is None:
            continue
        if not (isinstance(default, ScalarElementColumnDefault)
                or (isinstance(default, CallableColumnDefault) and hasattr(default.arg, "__wrapped__"))):
            return None
        defaults[column.key] = default
    keys = (*rows[0], *defaults)
    return keys, [{**row, **{k: d.arg(None) if d.is_callable else d.arg  # type: ignore[arg-type]
                             for k, d in defaults.items()}} for row in rows]


def combined(statement: Executable | Shaped, also: Sequence[Insert | Shaped],
             params: Mapping[str, Any] | None = None) -> tuple[Executable, dict[str, Any]]:
    """``statement`` with the inserts ``also`` as its CTEs (``also_0``, ...), and the parameters
    of all of them (``params`` with the statement's own). Kept and reused when every part is
    :class:`Shaped`; built for this call otherwise."""
    main = statement.statement if isinstance(statement, Shaped) else statement
    merged = dict(statement.params) if isinstance(statement, Shaped) else {}
    merged.update(params or {})
    parts = [a.statement if isinstance(a, Shaped) else a for a in also]
    for a in also:
        if isinstance(a, Shaped):
            shared = merged.keys() & a.params.keys()
            if shared:
                raise ValueError(f"two parts of one statement share parameters: {sorted(shared)}")
            merged.update(a.params)
    if not parts:
        return main, merged
    if not (isinstance(statement, Shaped) and all(isinstance(a, Shaped) for a in also)):
        return _with_ctes(main, tuple(parts)), merged
    return _kept_with_ctes(main, tuple(parts)), merged


def _with_ctes(main: Executable, parts: tuple[Executable, ...]) -> Executable:
    ctes = [cast(Insert, part).cte(f"also_{n}") for n, part in enumerate(parts)]
    return cast(Select[Any], main).add_cte(*ctes)


_kept_with_ctes = functools.lru_cache(maxsize=_MAX_SHAPES)(_with_ctes)  # for parts that are all kept


async def execute_with(s: AsyncSession, statement: Insert | Update | Shaped, also: Sequence[Insert | Shaped],
                       params: Mapping[str, Any] | None = None) -> None:
    """``statement`` (with ``params``, its own) and the inserts ``also``: one statement on
    PostgreSQL, one each elsewhere."""
    if s.get_bind().dialect.name != "postgresql":  # SQLite has no data-modifying CTE
        main, own = (statement.statement, {**statement.params, **(params or {})}) if isinstance(statement, Shaped) \
            else (statement, dict(params or {}))
        await s.execute(main, own or None)
        for insert_ in also:
            if isinstance(insert_, Shaped):
                await s.execute(insert_.statement, dict(insert_.params) or None)
            else:
                await s.execute(insert_)
        return
    one, merged = combined(statement, also, params)
    await all_rows_in(s, one, merged or None)  # directly on the driver's connection where it can


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


def take_staged(s: AsyncSession, *models: type[Any]) -> list[Shaped]:
    """The new rows of ``models`` staged in ``s``, taken out of the unit of work as one insert
    per table (rows in the order staged), for the caller to send with its own statement."""
    inserts = []
    for model in models:
        values = staged_values(s, model)
        if values:
            inserts.append(rows_insert(cast(Table, model.__table__), values))
    return inserts


def take_staged_if(s: AsyncSession, only_if: CTE, *models: type[Any]) -> list[Shaped] | None:
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
