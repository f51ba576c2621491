"""A hot statement sent on asyncpg's own connection, below SQLAlchemy's execution (issue 17).

The statement is still built and compiled by SQLAlchemy, with its compiled cache, and its
parameters and results still pass through its types' processors (the encrypted columns, JSON,
dates), so the SQL and the values the database sees are exactly those of ``conn.execute``. What is
left out is the rest of an execution: the execution context, the cursor adapter, the result and
row objects, and the greenlet that carries SQLAlchemy's synchronous layer. Measured on the
portal's status step (``python -m scripts.bench.status_step``), that rest is more than half of
the CPU of sending a statement.

Only on a PostgreSQL (asyncpg) connection, in AUTOCOMMIT or in a transaction SQLAlchemy has
begun: its driver adapter begins the driver's transaction lazily, at the first statement, so that
is begun first (a statement sent past it would run outside it). Elsewhere (SQLite, a connection
SQLAlchemy would first begin a transaction on, a ``text()`` statement, a statement with expanding
or post-compile parameters or with defaults computed at execution) the statement goes through
``conn.execute`` as usual; in a session (``first_row_in``, ``all_rows_in``) through
``session.execute`` too while the session holds changes an autoflush would write first. Either
way the engine's ``before_cursor_execute`` listeners hear of it (the round-trip counters of
``shared.db_metrics`` and tests that watch statements), and a database error surfaces as
SQLAlchemy's exception (``IntegrityError``...), a lost connection invalidated as SQLAlchemy would.

It leans on SQLAlchemy's internals (the compiled cache, the compiler's bind and result
processors, the asyncpg adapter's lazily begun transaction and its error translation): both
libraries are pinned in ``constraints.txt``, and ``shared/tests/test_direct_sql.py`` fails if an
upgrade changes what this relies on.
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import ClauseElement, Executable, compiler
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None


class _Form:
    """What a compiled statement needs to go to the driver: its SQL, its parameters' names in
    their positional order with their bind processors, and its result columns' names with
    their result processors."""

    __slots__ = ("__weakref__", "binds", "results", "row", "sql")

    def __init__(self, compiled: compiler.SQLCompiler, dialect: Any) -> None:
        processors: Mapping[str, Any] = compiled._bind_processors
        self.sql = compiled.string
        self.binds: tuple[tuple[str, Processor], ...] = tuple(
            (name, processors.get(name)) for name in compiled.positiontup or ())
        self.results: tuple[Processor, ...] = tuple(
            entry.type._cached_result_processor(dialect, None) for entry in compiled._result_columns)
        # Rows read by name or by position, as SQLAlchemy's rows are.
        names = [entry.keyname for entry in compiled._result_columns]
        self.row: Any = namedtuple("DirectRow", names, rename=True)  # type: ignore[misc]


# Per compiled statement (SQLAlchemy's compiled cache keeps those): its form, or None when it
# cannot go direct.
_FORMS: weakref.WeakKeyDictionary[compiler.Compiled, _Form | None] = weakref.WeakKeyDictionary()


def _form_of(compiled: compiler.SQLCompiler, dialect: Any) -> _Form | None:
    try:
        return _FORMS[compiled]
    except KeyError:
        pass
    # A text() statement's result columns are unknown to SQLAlchemy until its cursor describes them.
    direct = (compiled.positional and not compiled.isplaintext
              and not compiled.literal_execute_params and not compiled.post_compile_params
              and not compiled.insert_prefetch and not compiled.update_prefetch
              and not compiled.schema_translate_map)
    form = _FORMS[compiled] = _Form(compiled, dialect) if direct else None
    return form


async def _goes_direct(sync: Connection) -> bool:
    """Whether a statement may go on the driver's connection: asyncpg, and either AUTOCOMMIT or
    a transaction SQLAlchemy has begun, whose driver transaction is then begun first if its
    adapter has not yet (it begins it lazily, at its first statement)."""
    if sync.dialect.driver != "asyncpg":
        return False
    if sync.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return True
    if not sync.in_transaction():
        return False  # SQLAlchemy would begin one first: its own execution
    adapter = sync.connection.dbapi_connection
    if adapter is None:
        return False
    if adapter._transaction is None:  # type: ignore[attr-defined]
        await adapter._start_transaction()  # type: ignore[attr-defined]
    return True


async def first_row(conn: AsyncConnection, statement: Executable,
                    params: Mapping[str, Any] | None = None) -> Any:
    """The first row of ``statement`` with ``params`` on ``conn`` (its columns by name or by
    position, as a SQLAlchemy row's), or None."""
    rows = await _run(conn, statement, params or {}, first=True)
    return rows[0] if rows else None


async def all_rows(conn: AsyncConnection, statement: Executable,
                   params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row of ``statement`` with ``params`` on ``conn`` (as :func:`first_row`'s)."""
    return await _run(conn, statement, params or {}, first=False)


async def first_row_in(session: AsyncSession, statement: Executable,
                       params: Mapping[str, Any] | None = None) -> Any:
    """:func:`first_row` in ``session``'s transaction (begun if need be), directly when the
    session has nothing for an autoflush to write first; else ``session.execute``, which flushes."""
    rows = await _in_session(session, statement, params or {}, first=True)
    return rows[0] if rows else None


async def all_rows_in(session: AsyncSession, statement: Executable,
                      params: Mapping[str, Any] | None = None) -> list[Any]:
    """:func:`all_rows` in ``session``'s transaction, as :func:`first_row_in`."""
    return await _in_session(session, statement, params or {}, first=False)


async def _in_session(session: AsyncSession, statement: Executable, params: Mapping[str, Any],
                      *, first: bool) -> list[Any]:
    if session.sync_session._is_clean():
        return await _run(await session.connection(), statement, params, first=first)
    return _rows_of(await session.execute(statement, dict(params)), first=first)


async def _run(conn: AsyncConnection, statement: Executable, params: Mapping[str, Any],
               *, first: bool) -> list[Any]:
    sync = conn.sync_connection
    if sync is None or not await _goes_direct(sync):
        return await _through_sqlalchemy(conn, statement, params, first=first)
    dialect = conn.dialect
    # As Connection.execute compiles: the engine's compiled cache, the parameters' names as
    # column keys (an INSERT's or UPDATE's SET takes those).
    compiled, extracted, collected, _ = cast(ClauseElement, statement)._compile_w_cache(  # type: ignore[attr-defined]
        dialect=dialect, compiled_cache=sync.engine._compiled_cache, column_keys=sorted(params),
        for_executemany=False, schema_translate_map=None, linting=dialect.compiler_linting | compiler.WARN_LINTING)
    form = _form_of(cast(compiler.SQLCompiler, compiled), dialect)
    if form is None:
        return await _through_sqlalchemy(conn, statement, params, first=first)
    values: Mapping[str, Any] = compiled.construct_params(  # type: ignore[call-arg,assignment]
        params, extracted_parameters=extracted, escape_names=False, _collected_params=collected)
    args = [process(values[name]) if process is not None else values[name] for name, process in form.binds]
    if sync._has_events or sync.engine._has_events:
        sync.dispatch.before_cursor_execute(sync, None, form.sql, tuple(args), None, False)
    driver = (await conn.get_raw_connection()).driver_connection
    try:
        # Every row read, as SQLAlchemy's first() reads them: a SELECT ... FOR UPDATE locks every
        # row it selects, not only those a row limit would let through.
        rows = await driver.fetch(form.sql, *args)  # type: ignore[union-attr]
    except Exception as exc:
        await greenlet_spawn(_raise_as_sqlalchemy, sync, exc, form.sql, args)
        raise  # unreachable: the above raises
    except BaseException:
        # Cut short (cancelled): the driver's connection may still be busy with the statement.
        # As SQLAlchemy does, it is invalidated, never handed to another use.
        await greenlet_spawn(sync.invalidate)
        raise
    results, make = form.results, form.row._make
    return [make([value if process is None else process(value) for value, process in zip(row, results, strict=True)])
            for row in (rows[:1] if first else rows)]


def _raise_as_sqlalchemy(sync: Connection, exc: Exception, sql: str, args: list[Any]) -> None:
    """In SQLAlchemy's greenlet: the driver's error translated as its adapter does, then raised
    as Connection.execute raises it (an IntegrityError, a lost connection invalidated)."""
    adapter = sync.connection.dbapi_connection
    try:
        adapter._handle_exception(exc)  # type: ignore[union-attr]  # raises the DBAPI-level error
    except Exception as translated:
        sync._handle_dbapi_exception(translated, sql, tuple(args), None, None)
    raise exc


async def _through_sqlalchemy(conn: AsyncConnection, statement: Executable, params: Mapping[str, Any],
                              *, first: bool) -> list[Any]:
    return _rows_of(await conn.execute(statement, dict(params)), first=first)  # type: ignore[call-overload]


def _rows_of(result: Any, *, first: bool) -> list[Any]:
    if not result.returns_rows:  # an INSERT, UPDATE or DELETE without RETURNING
        return []
    if first:
        one = result.first()
        return [] if one is None else [one]
    return list(result.all())
