"""The outbox relay's passes: what an idle relay costs, where the lag gauge comes from, and that a
batch never takes rows another transaction marked after the batch's snapshot (PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, event, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase

from shared.bus import EventEnvelope, InProcessBus
from shared.bus.envelope import utcnow
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory
from shared.outbox import OutboxMixin, add_event
from shared.outbox_relay import OutboxRelay


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Outbox(OutboxMixin, Base):
    pass


class Recorder(InProcessBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[str] = []

    async def publish(self, event: EventEnvelope) -> None:
        self.published.append(event.id)


async def _db(url: str) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return engine, make_session_factory(engine)


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine, sessions = await _db(sqlite_url)
    yield sessions
    await engine.dispose()


@pytest.fixture
async def pg_db(pg_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine, sessions = await _db(pg_url)
    yield sessions
    await engine.dispose()


async def _stage(sessions: async_sessionmaker[AsyncSession], n: int = 1) -> list[str]:
    async with sessions() as s, s.begin():
        return [add_event(s, Outbox, "test.happened", {"i": i}, application_id="app-1").id for i in range(n)]


def _counting(relay: OutboxRelay) -> list[bool]:
    passes: list[bool] = []
    inner = relay.publish_pending

    async def counted(*, peek: bool = False) -> int:
        passes.append(peek)
        return await inner(peek=peek)

    relay.publish_pending = counted  # type: ignore[method-assign]
    return passes


async def test_an_idle_relay_backs_off_and_a_wake_resets_it(sqlite_db: async_sessionmaker[AsyncSession]) -> None:
    bus = Recorder()
    relay = OutboxRelay(sqlite_db, Outbox, bus, poll_seconds=0.05, max_poll_seconds=0.4)
    passes = _counting(relay)
    relay.start()
    try:
        await asyncio.sleep(1.2)  # 0.05, 0.1, 0.2, 0.4, 0.4: six passes, not 24
        idle = len(passes)
        assert 4 <= idle <= 8, passes
        assert all(passes[1:]), "idle polls peek outside a transaction"
        ids = await _stage(sqlite_db)  # this process's commit wakes the relay at once
        await asyncio.sleep(0.1)
        assert bus.published == ids
        # A wake goes straight to the batch. An idle poll already due may run first (a peek, True),
        # while the commit is on its way: on a loaded machine it did, once in a CI run.
        assert False in passes[idle:idle + 2], passes[idle:]
        # After the wake the polls start again from poll_seconds.
        before = len(passes)
        await asyncio.sleep(0.17)  # 0.05 (after the wake's pass), 0.05, then 0.1
        assert len(passes) - before >= 2, passes
    finally:
        await relay.stop()


async def test_the_pass_sets_the_lag_gauge_without_a_query_of_its_own(
    sqlite_db: async_sessionmaker[AsyncSession],
) -> None:
    relay = OutboxRelay(sqlite_db, Outbox, Recorder(), poll_seconds=0.05)

    async def no_query() -> float:
        raise AssertionError("the pass itself saw the outbox")

    relay.refresh_oldest_unpublished_age = no_query  # type: ignore[method-assign]
    await _stage(sqlite_db, 3)
    async with sqlite_db() as s, s.begin():
        await s.execute(update(Outbox).values(occurred_at=utcnow() - timedelta(seconds=30)))
    await relay.publish_pending(peek=True)
    assert relay.oldest_unpublished_age == 0.0  # drained
    relay.start()
    try:
        await _stage(sqlite_db)
        await asyncio.sleep(0.3)
        assert relay.oldest_unpublished_age == 0.0
    finally:
        await relay.stop()


async def test_a_failed_pass_keeps_the_age_of_what_is_left(sqlite_db: async_sessionmaker[AsyncSession]) -> None:
    class Down(InProcessBus):
        async def publish(self, event: EventEnvelope) -> None:
            raise ConnectionError("broker away")

    relay = OutboxRelay(sqlite_db, Outbox, Down(), poll_seconds=0.05)
    await _stage(sqlite_db)
    async with sqlite_db() as s, s.begin():
        await s.execute(update(Outbox).values(occurred_at=utcnow() - timedelta(seconds=30)))
    assert await relay.publish_pending(peek=True) == 0
    assert 30 <= relay.oldest_unpublished_age < 40
    relay.start()
    try:
        await asyncio.sleep(0.2)
        assert 30 <= relay.oldest_unpublished_age < 40
    finally:
        await relay.stop()


@pytest.mark.postgres
async def test_a_batch_leaves_out_rows_marked_after_its_snapshot(pg_db: async_sessionmaker[AsyncSession]) -> None:
    """Another transaction marks the rows and commits while the batch's statement waits on
    them: the statement's snapshot is older, yet the rows are not published again."""
    await _stage(pg_db, 5)
    bus = Recorder()
    relay = OutboxRelay(pg_db, Outbox, bus)
    async with pg_db() as marker:
        await marker.execute(update(Outbox).values(published_at=Outbox.occurred_at))
        batch = asyncio.create_task(relay.publish_pending())
        await asyncio.sleep(0.3)
        async with pg_db() as probe:
            waiting = (await probe.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%relay_batch%'"
            ))).scalar_one()
        assert waiting == 1  # the batch waits on the marked rows' locks
        await marker.commit()
    assert await batch == 0
    assert bus.published == [] and not relay.skipped
    assert relay.oldest_unpublished_age == 0.0


@pytest.mark.postgres
async def test_skipped_keeps_the_last_verdict_until_the_pass_decides(pg_db: async_sessionmaker[AsyncSession]) -> None:
    """Read mid-pass (the batch waiting on row locks), a relay skipped last time still says so;
    the pass, once it holds the lock, says it was not skipped."""
    await _stage(pg_db, 3)
    relay = OutboxRelay(pg_db, Outbox, Recorder())
    relay.skipped = True  # as a previous pass left it
    async with pg_db() as marker:
        await marker.execute(update(Outbox).values(published_at=Outbox.occurred_at))
        batch = asyncio.create_task(relay.publish_pending())
        await asyncio.sleep(0.3)
        assert not batch.done() and relay.skipped
        await marker.commit()
    assert await batch == 0
    assert not relay.skipped


@pytest.mark.postgres
async def test_a_pass_marks_as_it_reads_and_unmarks_what_failed(pg_db: async_sessionmaker[AsyncSession]) -> None:
    """On PostgreSQL a pass is BEGIN, one statement that takes the lock, reads and marks the batch,
    and COMMIT; an application whose event could not be published keeps it (and the ones after)
    unmarked for the next pass, while the others' are marked."""
    class HalfDown(Recorder):
        async def publish(self, event: EventEnvelope) -> None:
            if event.application_id == "app-2":
                raise ConnectionError("broker away for this one")
            await super().publish(event)

    first = await _stage(pg_db, 2)
    async with pg_db() as s, s.begin():
        second = [add_event(s, Outbox, "test.happened", {"i": i}, application_id="app-2").id for i in range(2)]
    bus = HalfDown()
    relay = OutboxRelay(pg_db, Outbox, bus)
    engine = pg_db.kw["bind"]
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await relay.publish_pending() == 2
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert bus.published == first
    assert len(statements) == 2 and "relay_marked" in statements[0]  # the batch, then the unmarking
    async with pg_db() as s:
        unpublished = (await s.execute(select(Outbox.event_id).where(Outbox.published_at.is_(None))
                                       .order_by(Outbox.seq))).scalars().all()
    assert list(unpublished) == second

    back = Recorder()
    relay = OutboxRelay(pg_db, Outbox, back)
    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    statements.clear()
    try:
        assert await relay.publish_pending() == 2
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert back.published == second and len(statements) == 1  # nothing to unmark
