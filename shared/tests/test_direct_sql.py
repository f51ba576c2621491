"""``shared.direct_sql``: a statement sent on asyncpg's connection directly gives what
``conn.execute`` gives (its types' processors both ways, literal values of a cached statement,
rows by name and by position), is heard by the engine's statement listeners, raises SQLAlchemy's
errors, and goes through SQLAlchemy wherever it could not go direct."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    bindparam,
    event,
    exc,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from shared.database import autocommit_read
from shared.direct_sql import all_rows, first_row


class Reversed(TypeDecorator[str]):
    """Stored reversed: shows that both processors ran (as the encrypted columns' do)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else value[::-1]

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else value[::-1]


META = MetaData()
ITEMS = Table("items", META, Column("id", Integer, primary_key=True), Column("name", Reversed),
              Column("doc", JSON), Column("at", DateTime(timezone=True)),
              Column("tries", Integer, default=lambda: 7))
AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
_BY_ID = select(ITEMS.c.id, ITEMS.c.name, ITEMS.c.doc, ITEMS.c.at).where(ITEMS.c.id == bindparam("id"))


@pytest.fixture
async def engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    async with engine.begin() as conn:
        await conn.run_sync(META.create_all)
        await conn.execute(insert(ITEMS), [{"id": 1, "name": "abc", "doc": {"k": [1, "ü"]}, "at": AT},
                                           {"id": 2, "name": "xyz", "doc": None, "at": None}])
    try:
        yield engine
    finally:
        await engine.dispose()


def _heard(engine: AsyncEngine, when: str = "before_cursor_execute") -> list[str]:
    """The statements the engine's listeners hear of; ``after_cursor_execute`` only those that
    went through SQLAlchemy's execution (a direct one has no cursor to be after)."""
    heard: list[str] = []
    event.listen(engine.sync_engine, when, lambda conn, cursor, statement, *args: heard.append(statement))
    return heard


async def _stored_name(conn: AsyncConnection, item: int) -> str:
    return str((await conn.exec_driver_sql(f"SELECT name FROM items WHERE id = {item}")).scalar())


@pytest.mark.postgres
async def test_a_row_is_what_sqlalchemy_reads_by_name_and_by_position(engine: AsyncEngine) -> None:
    heard, executed = _heard(engine), _heard(engine, "after_cursor_execute")
    async with autocommit_read(engine) as conn:
        direct = await first_row(conn, _BY_ID, {"id": 1})
        through = (await conn.execute(_BY_ID, {"id": 1})).first()
        assert await first_row(conn, _BY_ID, {"id": 3}) is None
    assert through is not None and direct is not None
    assert tuple(direct) == tuple(through) == (1, "abc", {"k": [1, "ü"]}, AT)
    assert (direct.name, direct.doc, direct[3]) == ("abc", {"k": [1, "ü"]}, AT)
    assert len(heard) == 3  # every statement heard once, the direct ones included
    assert heard[0] == heard[1]  # the same SQL as SQLAlchemy's own
    assert executed == [heard[1]]  # only conn.execute's went through SQLAlchemy's execution


@pytest.mark.postgres
async def test_a_write_binds_through_the_types_and_literals_of_a_cached_statement_are_each_its_own(
        engine: AsyncEngine) -> None:
    def renamed(name: str) -> Any:  # a literal value, not a named parameter: from the cache key
        return (update(ITEMS).where(ITEMS.c.id == bindparam("item")).values(name=literal(name, Reversed()))
                .returning(ITEMS.c.name, ITEMS.c.doc))

    executed = _heard(engine, "after_cursor_execute")
    async with autocommit_read(engine) as conn:
        first = await first_row(conn, renamed("first"), {"item": 1})
        second = await first_row(conn, renamed("second"), {"item": 2})
        assert (first.name, second.name, second.doc) == ("first", "second", None)
        assert (await _stored_name(conn, 1), await _stored_name(conn, 2)) == ("tsrif", "dnoces")
        rows = await all_rows(conn, select(ITEMS.c.id, func.upper(ITEMS.c.name).label("shout")).order_by(ITEMS.c.id))
    assert [(r.id, r.shout) for r in rows] == [(1, "TSRIF"), (2, "DNOCES")]
    assert len(executed) == 2  # the two checks by driver SQL; the rest went direct


@pytest.mark.postgres
async def test_a_database_error_is_sqlalchemys_and_the_connection_goes_on(engine: AsyncEngine) -> None:
    taken = insert(ITEMS).values(id=bindparam("id"), name="again", tries=1).returning(ITEMS.c.id)
    async with autocommit_read(engine) as conn:
        with pytest.raises(exc.IntegrityError):
            await first_row(conn, taken, {"id": 1})
        assert (await first_row(conn, _BY_ID, {"id": 1})).name == "abc"


@pytest.mark.postgres
async def test_what_cannot_go_direct_goes_through_sqlalchemy(engine: AsyncEngine) -> None:
    executed = _heard(engine, "after_cursor_execute")
    async with autocommit_read(engine) as conn:
        # An expanding IN, a default computed at execution: SQLAlchemy's own execution.
        rows = await all_rows(conn, select(ITEMS.c.id).where(ITEMS.c.id.in_(bindparam("ids", expanding=True))),
                              {"ids": [1, 2]})
        assert [r.id for r in rows] == [1, 2]
        made = await first_row(conn, insert(ITEMS).values(id=3, name="new").returning(ITEMS.c.tries), {})
        assert made.tries == 7
        # A text() statement: its columns known only from the cursor.
        assert (await first_row(conn, text("SELECT 1 AS one, 'a' AS two"))).two == "a"
    assert len(executed) == 3
    # In a transaction the driver's BEGIN is SQLAlchemy's to send: the statement goes through it,
    # and the transaction holds it.
    async with engine.connect() as conn:
        await first_row(conn, update(ITEMS).where(ITEMS.c.id == 1).values(name="undone").returning(ITEMS.c.id), {})
        await conn.rollback()
        assert (await first_row(conn, _BY_ID, {"id": 1})).name == "abc"
    assert len(executed) == 5  # the update and the read in a transaction too


class _Undo(Exception):
    pass


@pytest.mark.postgres
async def test_in_a_begun_transaction_it_goes_direct_and_the_transaction_holds_it(engine: AsyncEngine) -> None:
    executed = _heard(engine, "after_cursor_execute")
    renamed = update(ITEMS).where(ITEMS.c.id == bindparam("item")).values(name=bindparam("name")).returning(ITEMS.c.id)
    with pytest.raises(_Undo):
        async with engine.begin() as conn:  # the first statement of the transaction goes direct
            await first_row(conn, renamed, {"item": 1, "name": "undone"})
            assert (await first_row(conn, _BY_ID, {"id": 1})).name == "undone"
            raise _Undo
    async with engine.begin() as conn:
        await first_row(conn, renamed, {"item": 2, "name": "kept"})
    async with autocommit_read(engine) as conn:
        assert [r.name for r in await all_rows(conn, _BY_ID.order_by(ITEMS.c.id), {"id": 1})] == ["abc"]
        assert (await first_row(conn, _BY_ID, {"id": 2})).name == "kept"
    assert executed == []


@pytest.mark.postgres
async def test_first_row_reads_every_row_so_a_lock_takes_them_all(engine: AsyncEngine) -> None:
    """As SQLAlchemy's first(): the statement is not cut at one row, so FOR UPDATE locks both."""
    both = select(ITEMS.c.id).order_by(ITEMS.c.id).with_for_update()
    async with engine.begin() as holder:
        assert (await first_row(holder, both, {})).id == 1
        async with autocommit_read(engine) as other:
            with pytest.raises(exc.DBAPIError, match="could not obtain lock"):
                await other.execute(select(ITEMS.c.id).where(ITEMS.c.id == 2).with_for_update(nowait=True))


@pytest.mark.postgres
async def test_a_connection_the_server_dropped_is_invalidated_as_sqlalchemy_would(engine: AsyncEngine) -> None:
    async with autocommit_read(engine) as conn:
        pid = (await first_row(conn, select(func.pg_backend_pid().label("pid")))).pid
        async with engine.connect() as other:
            await other.execute(select(func.pg_terminate_backend(pid)))
        with pytest.raises(exc.DBAPIError) as raised:
            await first_row(conn, _BY_ID, {"id": 1})
        assert raised.value.connection_invalidated and conn.invalidated
    async with autocommit_read(engine) as conn:  # the pool opens a new one
        assert (await first_row(conn, _BY_ID, {"id": 1})).name == "abc"


@pytest.mark.postgres
async def test_a_statement_cut_short_takes_its_connection_out_of_the_pool(engine: AsyncEngine) -> None:
    async with autocommit_read(engine) as conn:
        sleeping = asyncio.create_task(first_row(conn, select(func.pg_sleep(30)), {}))
        await asyncio.sleep(0.2)
        sleeping.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sleeping
        assert conn.invalidated
    for _ in range(3):  # the pool's connections answer at once
        async with autocommit_read(engine) as conn:
            assert (await asyncio.wait_for(first_row(conn, _BY_ID, {"id": 1}), 5)).name == "abc"


async def test_on_sqlite_it_is_sqlalchemys_execution(sqlite_url: str) -> None:
    engine = create_async_engine(sqlite_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            await conn.execute(insert(ITEMS).values(id=1, name="abc", doc={"k": 1}, at=AT))
        async with autocommit_read(engine) as conn:
            row = await first_row(conn, _BY_ID, {"id": 1})
        assert (row.id, row.name, row.doc) == (1, "abc", {"k": 1})
    finally:
        await engine.dispose()
