"""A locked transaction begins with its advisory locks in one round trip (shared/dblocks.py over
shared/begin_carrying.py), on the real PostgreSQL: what it sends, and that neither an error, a
cancellation nor a failed flush hands a connection back to the pool inside a transaction or
keeps the lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import cast

import pytest
from sqlalchemy import Integer, MetaData, String, Table, event, select, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from shared.begin_carrying import NOW, begin_carrying, claim_text, literal
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory, session_class
from shared.dblocks import DbKeyedLock, locked_transaction
from shared.tests.round_trips import simple_queries

pytestmark = pytest.mark.postgres


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Row(Base):
    __tablename__ = "locked_begin_rows"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


@pytest.fixture
async def engines(pg_url: str) -> AsyncIterator[list[AsyncEngine]]:
    # pool_size 1 (2 connections at most): a connection left in a transaction would come back.
    made = [create_engine(pg_url, pool_size=1) for _ in range(2)]
    async with made[0].begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield made
    finally:
        async with made[0].begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
        for e in made:
            await e.dispose()


async def _values(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {r.name: r.value for r in await conn.execute(select(Row.name, Row.value))}


async def _lock_is_free(engine: AsyncEngine, lock: DbKeyedLock, key: str) -> bool:
    async with engine.connect() as conn:
        got = (await conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock.key_of(key)})).scalar()
        await conn.rollback()
        return bool(got)


async def _pool_is_clean(engine: AsyncEngine) -> None:
    """Every pooled connection is out of any transaction and transactional again (not autocommit)."""
    sessions = make_session_factory(engine)
    async with sessions() as a, sessions() as b:  # both connections of the pool
        for s in (a, b):
            driver = (await (await s.connection()).get_raw_connection()).driver_connection
            assert driver is not None
            assert not driver.is_in_transaction()  # handed out outside any transaction
            await s.execute(text("SELECT 1"))
            assert driver.is_in_transaction()  # the driver began one: not left in autocommit mode
        await a.rollback()
        await b.rollback()
    async with sessions() as s, s.begin():
        s.add(Row(name="rolled-back", value=0))
        await s.flush()
        await s.rollback()
    assert "rolled-back" not in await _values(engine)


async def test_begin_and_locks_go_in_one_round_trip(engines: list[AsyncEngine],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sessions = make_session_factory(engines[0])
    apps, niks = DbKeyedLock("app"), DbKeyedLock("nik")
    sent = simple_queries(monkeypatch)  # asyncpg's own BEGIN would show here too
    async with locked_transaction(sessions, (niks, "3171"), (apps, "a-1")) as s:
        s.add(Row(name="a-1", value=1))
    assert sent == [f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({niks.key_of('3171')});"
                    f" SELECT pg_advisory_xact_lock({apps.key_of('a-1')});", "COMMIT"]
    assert await _values(engines[0]) == {"a-1": 1}
    monkeypatch.undo()
    assert await _lock_is_free(engines[1], apps, "a-1")
    await _pool_is_clean(engines[0])


async def test_the_commit_hooks_run_after_the_data_is_committed(engines: list[AsyncEngine]) -> None:
    sessions = make_session_factory(engines[0])
    committed = asyncio.Event()
    checked: list[dict[str, int]] = []

    @event.listens_for(session_class(sessions), "after_commit")
    def _ring(_: Session) -> None:
        committed.set()

    async def check() -> None:
        await committed.wait()
        checked.append(await _values(engines[1]))

    watcher = asyncio.create_task(check())
    async with DbKeyedLock("app").transaction(sessions, "a-2") as s:
        s.add(Row(name="a-2", value=2))
    await asyncio.wait_for(watcher, 5)
    assert checked == [{"a-2": 2}]


@pytest.mark.parametrize("failure", ["error", "flush"])
async def test_an_error_or_a_failed_flush_rolls_back_and_frees_the_lock(engines: list[AsyncEngine],
                                                                         failure: str) -> None:
    sessions = make_session_factory(engines[0])
    lock = DbKeyedLock("app")
    async with sessions() as s, s.begin():
        s.add(Row(name="taken", value=0))
    with pytest.raises(Exception) as raised:
        async with lock.transaction(sessions, "a-3") as s:
            s.add(Row(name="a-3", value=3))
            await s.flush()
            if failure == "error":
                raise LookupError("the step refused")
            s.add(Row(name="taken", value=1))  # flushed before the COMMIT: a duplicate key
    assert raised.type is LookupError if failure == "error" else "duplicate key" in str(raised.value)
    assert await _values(engines[0]) == {"taken": 0}
    assert await _lock_is_free(engines[1], lock, "a-3")
    await _pool_is_clean(engines[0])


async def test_a_cancelled_holder_leaves_no_lock_and_no_open_transaction(engines: list[AsyncEngine]) -> None:
    sessions: async_sessionmaker[AsyncSession] = make_session_factory(engines[0])
    lock = DbKeyedLock("app")
    holding = asyncio.Event()

    async def holder() -> None:
        async with lock.transaction(sessions, "a-4") as s:
            s.add(Row(name="a-4", value=4))
            await s.flush()
            holding.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(holder())
    await asyncio.wait_for(holding.wait(), 5)
    assert not await _lock_is_free(engines[1], lock, "a-4")  # held across processes meanwhile
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _values(engines[0]) == {}
    assert await _lock_is_free(engines[1], lock, "a-4")
    await _pool_is_clean(engines[0])


def test_only_plainly_safe_values_are_written_as_literals() -> None:
    assert literal("0b6f-4c1e.q:mail_1") == "'0b6f-4c1e.q:mail_1'"
    for odd in ("it's", "a b", "x;--", "", "a\\b", "\u00e9", "a" * 101):
        assert literal(odd) is None


async def test_a_claim_as_text_only_on_postgresql_and_only_with_plain_values(engines: list[AsyncEngine],
                                                                             sqlite_url: str) -> None:
    table = cast(Table, Row.__table__)
    async with make_session_factory(engines[0])() as s:
        assert claim_text(s, table, {"name": "a-9", "value": None}) == (
            "INSERT INTO locked_begin_rows (name, value) VALUES ('a-9', NULL) ON CONFLICT DO NOTHING")
        now = claim_text(s, table, {"name": "a-9", "value": NOW})
        assert now is not None and now.endswith("('a-9', now()) ON CONFLICT DO NOTHING")
        assert claim_text(s, table, {"name": "it's", "value": None}) is None
    sqlite = create_engine(sqlite_url)
    try:
        async with make_session_factory(sqlite)() as s:
            assert claim_text(s, table, {"name": "a-9", "value": None}) is None
    finally:
        await sqlite.dispose()


async def test_it_must_begin_the_transaction_itself(engines: list[AsyncEngine]) -> None:
    sessions = make_session_factory(engines[0])
    # SQLAlchemy says so too: the connection (and its options) came with the first statement.
    with pytest.warns(SAWarning, match="already established"), pytest.raises(RuntimeError, match="must begin"):
        async with sessions() as s, s.begin():
            await s.execute(text("SELECT 1"))  # the driver's own BEGIN went with it
            async with begin_carrying(s, "SELECT 1"):
                pass
    await _pool_is_clean(engines[0])
