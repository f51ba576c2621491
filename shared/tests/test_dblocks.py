"""Locks across processes and the outbox relay with replicas, on the real PostgreSQL.

Each "process" is its own engine (its own connection pool) and its own lock objects, all in
one database, racing under ``asyncio.gather``: what one process's in-process lock cannot see,
PostgreSQL's advisory locks must."""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import asyncpg
import pytest
from sqlalchemy import Integer, MetaData, String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus import EventEnvelope, InProcessBus
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory
from shared.dblocks import DbKeyedLock, advisory_key, locked_transaction, try_session_lock
from shared.outbox import OutboxMixin, add_event
from shared.outbox_relay import OutboxRelay
from shared.sequences import CounterMixin, next_value

pytestmark = pytest.mark.postgres


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Outbox(OutboxMixin, Base):
    pass


class Counter(CounterMixin, Base):
    pass


class Tally(Base):
    __tablename__ = "tally"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


@dataclass
class Process:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture
async def processes(pg_url: str) -> AsyncIterator[list[Process]]:
    engines = [create_engine(pg_url, pool_size=10) for _ in range(2)]
    async with engines[0].begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield [Process(e, make_session_factory(e)) for e in engines]
    finally:
        for e in engines:
            await e.dispose()


class InProcessOnly(DbKeyedLock):
    """What the KeyedLock alone did: nothing across processes."""

    def across_processes(self, key: str | None) -> int | None:
        return None


async def _increment(lock: DbKeyedLock, sessions: async_sessionmaker[AsyncSession], key: str) -> None:
    """A check-then-write: read, think, write what was read plus one."""
    async with lock.transaction(sessions, key) as s:
        value = (await s.execute(select(Tally.value).where(Tally.name == key))).scalar_one()
        await asyncio.sleep(random.uniform(0, 0.004))
        await s.execute(update(Tally).where(Tally.name == key).values(value=value + 1))


async def _race(processes: list[Process], locks: list[DbKeyedLock], rounds: int) -> int:
    async with processes[0].sessions() as s, s.begin():
        s.add(Tally(name="k", value=0))
    await asyncio.gather(*(_increment(locks[i % 2], processes[i % 2].sessions, "k") for i in range(rounds)))
    async with processes[0].sessions() as s:
        value = (await s.execute(select(Tally.value).where(Tally.name == "k"))).scalar_one()
        await s.execute(delete(Tally))
        await s.commit()
    return int(value)


async def test_a_key_is_held_across_processes(processes: list[Process]) -> None:
    assert await _race(processes, [DbKeyedLock("test"), DbKeyedLock("test")], 60) == 60
    # The same race with the in-process half only loses updates: the test can see the difference.
    assert await _race(processes, [InProcessOnly("test"), InProcessOnly("test")], 60) < 60


async def test_other_keys_and_namespaces_do_not_wait(processes: list[Process]) -> None:
    first, second = DbKeyedLock("a"), DbKeyedLock("a")
    async with first.transaction(processes[0].sessions, "app-1"):
        async with asyncio.timeout(5):
            async with second.transaction(processes[1].sessions, "app-2"):
                pass
            async with DbKeyedLock("b").transaction(processes[1].sessions, "app-1"):
                pass
        waiting = asyncio.create_task(_hold(second, processes[1].sessions, "app-1"))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # the same key in the other process waits for this transaction
    await asyncio.wait_for(waiting, 5)


async def _hold(lock: DbKeyedLock, sessions: async_sessionmaker[AsyncSession], key: str) -> None:
    async with lock.transaction(sessions, key):
        pass


async def test_several_keys_in_one_transaction(processes: list[Process]) -> None:
    nik, app = DbKeyedLock("nik"), DbKeyedLock("app")
    async with locked_transaction(processes[0].sessions, (nik, "3201"), (app, "app-1")) as s:
        held = (await s.execute(select(1))).scalar_one()
        assert held == 1
        blocked = asyncio.create_task(_hold(DbKeyedLock("app"), processes[1].sessions, "app-1"))
        await asyncio.sleep(0.2)
        assert not blocked.done()
    await asyncio.wait_for(blocked, 5)


async def test_work_across_transactions_holds_a_key_and_never_starves_the_pool(pg_url: str) -> None:
    engines = [create_engine(pg_url, pool_size=4) for _ in range(2)]  # 4 + 2 connections each
    locks = [DbKeyedLock("work"), DbKeyedLock("work")]
    inside: dict[str, int] = {}
    overlaps: list[str] = []

    async def work(i: int) -> None:
        p = (i // 12) % 2  # each key in turn from both processes
        sessions = make_session_factory(engines[p])
        key = f"app-{i % 12}"
        async with locks[p].across(sessions, key):
            inside[key] = inside.get(key, 0) + 1
            if inside[key] > 1:
                overlaps.append(key)
            for _ in range(2):  # the work's own transactions, between outside calls
                async with sessions() as s, s.begin():
                    await s.execute(select(1))
                await asyncio.sleep(0.01)
            inside[key] -= 1

    try:
        async with asyncio.timeout(20):  # a starved pool would wait 30 s for a connection
            await asyncio.gather(*(work(i) for i in range(48)))
    finally:
        for e in engines:
            await e.dispose()
    assert overlaps == []  # one holder per key, across both processes


def test_advisory_keys_are_stable_signed_64_bit() -> None:
    assert advisory_key("siki:nik", "3201010101900001") == advisory_key("siki:nik", "3201010101900001")
    assert advisory_key("siki:nik", "x") != advisory_key("siki:app", "x")
    assert -(2**63) <= advisory_key("a", "b") < 2**63
    # The NIK's key is the one SIKI's earlier per-NIK lock used:
    # a process of the previous version and one of this version exclude each other during a rollout.
    digest = hashlib.sha256(b"siki:nik:" + b"3201010101900001").digest()
    assert advisory_key("siki:nik", "3201010101900001") == int.from_bytes(digest[:8], "big", signed=True)


async def test_one_process_runs_a_sweep_pass_and_a_dead_holder_frees_it(processes: list[Process], pg_url: str) -> None:
    async with try_session_lock(processes[0].engine, "sweep") as mine:
        async with try_session_lock(processes[1].engine, "sweep") as theirs:
            assert mine and not theirs
    async with try_session_lock(processes[1].engine, "sweep") as theirs:
        assert theirs  # released at the end of the pass
    # A process that dies holding the lock: its connection closes and the lock goes with it.
    dying = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
    assert await dying.fetchval("SELECT pg_try_advisory_lock($1)", advisory_key("role", "sweep"))
    async with try_session_lock(processes[1].engine, "sweep") as theirs:
        assert not theirs
    dying.terminate()
    await asyncio.sleep(0.2)
    async with try_session_lock(processes[1].engine, "sweep") as theirs:
        assert theirs


async def test_two_processes_draw_distinct_gap_free_numbers(processes: list[Process]) -> None:
    async def draw(p: Process) -> int:
        async with p.sessions() as s, s.begin():
            value = await next_value(s, Counter, "skk:2026")
            await asyncio.sleep(random.uniform(0, 0.003))  # the rest of the caller's transaction
            return value

    values = await asyncio.gather(*(draw(processes[i % 2]) for i in range(80)))
    assert sorted(values) == list(range(1, 81))


# --- the outbox relay with replicas ---------------------------------------------------------


class RecordingBus(InProcessBus):
    """Publishes into a log shared by the "processes", after a short random delay (the broker's
    confirm), so that two relays overlapping would show up as events out of order."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log
        self.hang = False

    async def publish(self, event: EventEnvelope) -> None:
        await asyncio.sleep(random.uniform(0, 0.003))
        while self.hang:  # a process stuck mid-batch until it is killed
            await asyncio.sleep(0.05)
        self.log.append(event.id)


def _relays(processes: list[Process], log: list[str]) -> tuple[list[OutboxRelay], list[RecordingBus]]:
    buses = [RecordingBus(log) for _ in processes]
    relays = [OutboxRelay(p.sessions, Outbox, b, poll_seconds=0.1, batch_size=7)
              for p, b in zip(processes, buses, strict=True)]
    for i, relay in enumerate(relays):
        relay._db_key = f"process-{i}"  # its own process: its own in-process relay lock
    return relays, buses


async def _stage(processes: list[Process], n: int, apps: int) -> dict[str, list[str]]:
    staged: dict[str, list[str]] = {}
    for i in range(n):
        async with processes[i % 2].sessions() as s, s.begin():
            env = add_event(s, Outbox, "test.happened", {"i": i}, application_id=f"app-{i % apps}", source="test")
        staged.setdefault(env.application_id or "", []).append(env.id)
        if i % 10 == 0:
            await asyncio.sleep(0.01)
    return staged


def _first_publications(log: list[str], ids: list[str]) -> list[str]:
    wanted, seen, order = set(ids), set(), []
    for event_id in log:
        if event_id in wanted and event_id not in seen:
            seen.add(event_id)
            order.append(event_id)
    return order


async def _unpublished(p: Process) -> int:
    async with p.sessions() as s:
        return len((await s.execute(select(Outbox.seq).where(Outbox.published_at.is_(None)))).all())


async def test_two_relays_publish_every_row_in_order_per_application(processes: list[Process]) -> None:
    log: list[str] = []
    relays, _ = _relays(processes, log)
    staged = await _stage(processes, 150, apps=6)  # a backlog (the relays were down) ...
    for relay in relays:
        relay.start()
    try:
        for app, ids in (await _stage(processes, 150, apps=6)).items():  # ... and new rows meanwhile
            staged[app] += ids
        async with asyncio.timeout(30):
            while await _unpublished(processes[0]):
                await asyncio.sleep(0.05)
    finally:
        for relay in relays:
            await relay.stop()
    assert sorted(log) == sorted(i for ids in staged.values() for i in ids)  # each once
    for app, ids in staged.items():
        assert _first_publications(log, ids) == ids, app


async def test_a_relay_that_dies_mid_batch_is_taken_over(processes: list[Process]) -> None:
    log: list[str] = []
    (first, second), (first_bus, _) = _relays(processes, log)
    staged = await _stage(processes, 40, apps=3)
    first_bus.hang = True
    stuck = asyncio.create_task(first.publish_pending())
    await asyncio.sleep(0.2)
    assert await second.publish_pending() == 0 and second.skipped  # the other one is publishing
    stuck.cancel()  # kill -9: its transaction ends with its connection
    with pytest.raises(asyncio.CancelledError):
        await stuck
    await asyncio.sleep(0.1)
    assert await second.publish_pending() == 40 and not second.skipped
    assert await _unpublished(processes[0]) == 0
    for ids in staged.values():
        assert _first_publications(log, ids) == ids


async def test_every_relay_knows_the_oldest_unpublished_age(processes: list[Process]) -> None:
    log: list[str] = []
    relays, buses = _relays(processes, log)
    assert [await r.refresh_oldest_unpublished_age() for r in relays] == [0.0, 0.0]
    await _stage(processes, 3, apps=1)
    async with processes[0].sessions() as s, s.begin():
        await s.execute(update(Outbox).values(occurred_at=Outbox.occurred_at - timedelta(seconds=30)))
    ages = [await r.refresh_oldest_unpublished_age() for r in relays]
    assert all(30 <= a < 40 for a in ages), ages
    await relays[0].publish_pending()
    assert [await r.refresh_oldest_unpublished_age() for r in relays] == [0.0, 0.0]
    # The run loop refreshes it in a standby process too (while the other one publishes).
    await _stage(processes, 1, apps=1)
    buses[0].hang = True
    stuck = asyncio.create_task(relays[0].publish_pending())
    await asyncio.sleep(0.1)
    relays[1].start()
    try:
        # Sampled between passes: a pass under way has not decided yet whether it is skipped.
        deadline = time.monotonic() + 5
        while not (relays[1].skipped and relays[1].oldest_unpublished_age > 0.3) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert relays[1].skipped and relays[1].oldest_unpublished_age > 0.3
    finally:
        buses[0].hang = False
        await stuck
        await relays[1].stop()
