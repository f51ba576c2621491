"""The same conformance tests for both transports of the event bus, each with its database:
in-process + SQLite (the embedded mode) and RabbitMQ + PostgreSQL (the deployed mode)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from sqlalchemy import MetaData, String, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus import Delivery, EventBus, EventEnvelope, InProcessBus, RabbitMqBus, RetryPolicy
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory
from shared.inbox import handle_once
from shared.outbox import add_event
from shared.outbox_relay import OutboxRelay
from shared.tests.outbox_models import Base, Inbox, Outbox
from shared.tests.tcp_proxy import TcpProxy
from shared.tests.waiting import eventually as eventually  # re-exported to the bus tests


class _Effects(DeclarativeBase):
    """The consumers' own table, on a metadata of its own (the shared one holds only the outbox and inbox)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Effect(_Effects):
    __tablename__ = "effect"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))


FAST = RetryPolicy(max_attempts=3, base_seconds=0.05, max_seconds=0.2)


@dataclass
class Harness:
    kind: str
    make_bus: Callable[..., EventBus]
    sessions: async_sessionmaker[AsyncSession]
    engine: AsyncEngine
    buses: list[EventBus] = field(default_factory=list)
    proxy: TcpProxy | None = None

    async def broker_down(self, bus: EventBus) -> None:
        if isinstance(bus, InProcessBus):
            bus.available = False
        else:
            assert self.proxy is not None
            await self.proxy.stop()

    async def broker_up(self, bus: EventBus) -> None:
        if isinstance(bus, InProcessBus):
            bus.available = True
        else:
            assert self.proxy is not None
            await self.proxy.start()


@pytest.fixture(params=["inprocess+sqlite", "rabbitmq+postgres"])
async def harness(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[Harness]:
    if request.param == "inprocess+sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/bus.db"
        shared_bus = InProcessBus(FAST)

        def make(policy: RetryPolicy = FAST, via_proxy: bool = False) -> EventBus:
            shared_bus.default_policy = policy
            return shared_bus

        proxy = None
    else:
        request.getfixturevalue("amqp_url")
        url = await _pg(request)
        amqp = request.getfixturevalue("amqp_url")
        exchange = f"test.{uuid.uuid4().hex[:10]}"
        u = urlparse(amqp)
        proxy = TcpProxy(u.hostname or "127.0.0.1", u.port or 5672)
        await proxy.start()

        def make(policy: RetryPolicy = FAST, via_proxy: bool = False) -> EventBus:
            target = amqp
            if via_proxy:
                target = f"amqp://{u.username}:{u.password}@127.0.0.1:{proxy.port}/"
            return RabbitMqBus(target, exchange=exchange, default_policy=policy)

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.run_sync(_Effects.metadata.create_all)
    h = Harness(request.param, make, make_session_factory(engine), engine, proxy=proxy)
    try:
        yield h
    finally:
        for bus in h.buses:
            await bus.stop()
            if isinstance(bus, RabbitMqBus):
                await bus.delete_topology()
        if proxy is not None:
            await proxy.stop()
        await engine.dispose()


async def _pg(request: pytest.FixtureRequest) -> str:
    from conftest import create_database, drop_database

    admin = request.getfixturevalue("postgres_admin_url")
    url = await create_database(admin)

    request.addfinalizer(lambda: asyncio.run(drop_database(admin, url)))
    return url


async def started(h: Harness, bus: EventBus) -> EventBus:
    await bus.start()
    if bus not in h.buses:
        h.buses.append(bus)
    return bus


def event(type_: str = "test.happened", app: str | None = None, source: str = "test") -> EventEnvelope:
    return EventEnvelope(type=type_, correlation_id="c-" + uuid.uuid4().hex[:8], application_id=app,
                         source=source, payload={"n": 1})



async def test_publish_and_consume_by_topic(harness: Harness) -> None:
    bus = harness.make_bus()
    got_a: list[EventEnvelope] = []
    got_b: list[EventEnvelope] = []

    async def on_a(ev: EventEnvelope, d: Delivery) -> None:
        got_a.append(ev)

    async def on_b(ev: EventEnvelope, d: Delivery) -> None:
        got_b.append(ev)

    bus.subscribe("qa", ["test.*"], on_a)
    bus.subscribe("qb", ["test.happened", "other.#"], on_b)
    await started(harness, bus)
    e1, e2, e3 = event("test.happened"), event("other.deep.thing"), event("nobody.cares")
    for e in (e1, e2, e3):
        await bus.publish(e)
    await eventually(lambda: len(got_a) == 1 and len(got_b) == 2)
    await asyncio.sleep(0.2)
    assert [e.id for e in got_a] == [e1.id]
    assert sorted(e.id for e in got_b) == sorted([e1.id, e2.id])
    assert got_a[0] == e1  # the envelope survives the trip unchanged


async def test_failing_handler_gets_the_event_again(harness: Harness) -> None:
    bus = harness.make_bus()
    attempts: list[int] = []

    async def flaky(ev: EventEnvelope, d: Delivery) -> None:
        attempts.append(d.attempt)
        if d.attempt < 3:
            raise RuntimeError("not yet")

    bus.subscribe("flaky", ["test.*"], flaky, policy=RetryPolicy(max_attempts=5, base_seconds=0.05, max_seconds=0.1))
    await started(harness, bus)
    await bus.publish(event())
    await eventually(lambda: attempts == [1, 2, 3])
    await asyncio.sleep(0.3)
    assert attempts == [1, 2, 3]
    assert await bus.dead_letters("flaky") == []


async def test_dead_letter_after_the_bound_and_redelivery(harness: Harness) -> None:
    bus = harness.make_bus()
    calls: list[int] = []
    healed = asyncio.Event()

    async def broken(ev: EventEnvelope, d: Delivery) -> None:
        calls.append(d.attempt)
        if not healed.is_set():
            raise RuntimeError("always")

    bus.subscribe("broken", ["test.*"], broken, policy=FAST)
    await started(harness, bus)
    ev = event()
    await bus.publish(ev)

    async def parked() -> bool:
        return [e.id for e in await bus.dead_letters("broken")] == [ev.id]

    await eventually(parked)
    await asyncio.sleep(0.3)
    assert calls == [1, 2, 3]  # bounded: no fourth try, no endless loop
    # Reading the dead letters does not consume them.
    assert [e.id for e in await bus.dead_letters("broken")] == [ev.id]
    healed.set()
    assert await bus.redeliver_dead_letters("broken") == 1
    await eventually(lambda: len(calls) == 4)
    assert calls[-1] == 1
    await eventually(lambda: True)
    assert await bus.dead_letters("broken") == []


async def _effect_count(h: Harness) -> int:
    async with h.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Effect))).scalar_one())


async def test_duplicate_delivery_takes_effect_once(harness: Harness) -> None:
    bus = harness.make_bus()
    handled: list[bool] = []

    async def effect(session: AsyncSession, ev: EventEnvelope) -> None:
        session.add(Effect(id=uuid.uuid4().hex, event_id=ev.id))

    async def consumer(ev: EventEnvelope, d: Delivery) -> None:
        handled.append(await handle_once(harness.sessions, Inbox, "dup", ev, effect))

    bus.subscribe("dup", ["test.*"], consumer)
    await started(harness, bus)
    ev = event(app="app-1")
    await bus.publish(ev)
    await bus.publish(ev)  # the broker redelivers / a publisher retried
    await eventually(lambda: len(handled) == 2)
    assert sorted(handled) == [False, True]
    assert await _effect_count(harness) == 1


async def test_outbox_row_committed_while_broker_down_is_published_when_back(harness: Harness) -> None:
    consumer_bus = harness.make_bus()
    got: list[EventEnvelope] = []

    async def on(ev: EventEnvelope, d: Delivery) -> None:
        got.append(ev)

    consumer_bus.subscribe("outbox", ["test.*"], on)
    await started(harness, consumer_bus)
    publisher = harness.make_bus(via_proxy=True)
    if publisher is not consumer_bus:
        harness.buses.append(publisher)
    relay = OutboxRelay(harness.sessions, Outbox, publisher, poll_seconds=0.05)

    await harness.broker_down(publisher)
    async with harness.sessions() as s, s.begin():
        staged = add_event(s, Outbox, "test.happened", {"k": "v"}, application_id="app-9", source="test")
    assert await relay.publish_pending() == 0  # broker down: the row waits
    async with harness.sessions() as s:
        row = (await s.execute(select(Outbox))).scalar_one()
        assert row.published_at is None

    await harness.broker_up(publisher)
    await eventually(lambda: _published_once(relay), timeout=20)
    await eventually(lambda: len(got) == 1)
    assert got[0].id == staged.id and got[0].payload == {"k": "v"}
    assert await relay.publish_pending() == 0  # marked: never published twice
    await asyncio.sleep(0.2)
    assert len(got) == 1


async def _published_once(relay: OutboxRelay) -> bool:
    try:
        await relay.publish_pending()
    except Exception:
        return False
    async with relay.session_factory() as s:
        rows = (await s.execute(select(Outbox))).scalars().all()
        return len(rows) == 1 and rows[0].published_at is not None


async def test_rolled_back_change_publishes_nothing(harness: Harness) -> None:
    bus = harness.make_bus()
    got: list[EventEnvelope] = []

    async def on(ev: EventEnvelope, d: Delivery) -> None:
        got.append(ev)

    bus.subscribe("rollback", ["test.*"], on)
    await started(harness, bus)
    relay = OutboxRelay(harness.sessions, Outbox, bus, poll_seconds=0.05)
    with pytest.raises(RuntimeError):
        async with harness.sessions() as s, s.begin():
            s.add(Effect(id="x", event_id="e"))
            add_event(s, Outbox, "test.happened", {}, source="test")
            raise RuntimeError("the state change failed")
    assert await relay.publish_pending() == 0
    await asyncio.sleep(0.3)
    assert got == []
    assert await _effect_count(harness) == 0


async def test_two_relays_of_one_service_publish_each_event_once(harness: Harness) -> None:
    bus = harness.make_bus()
    got: list[str] = []

    async def on(ev: EventEnvelope, d: Delivery) -> None:
        got.append(ev.id)

    bus.subscribe("scaled", ["test.*"], on)
    await started(harness, bus)
    async with harness.sessions() as s, s.begin():
        staged = [add_event(s, Outbox, "test.happened", {"i": i}, application_id=f"app-{i % 7}", source="test")
                  for i in range(60)]
    relays = [OutboxRelay(harness.sessions, Outbox, bus, batch_size=10) for _ in range(2)]
    counts = await asyncio.gather(*(r.publish_pending() for r in relays))
    assert sum(counts) == 60
    await eventually(lambda: len(got) == 60)
    await asyncio.sleep(0.2)
    assert sorted(got) == sorted(e.id for e in staged)  # each once, none twice


# Only RabbitMQ has a connection to lose; the in-process queues live in the process itself.
@pytest.mark.parametrize("harness", ["rabbitmq+postgres"], indirect=True)
async def test_consumer_resumes_after_the_broker_connection_drops(harness: Harness) -> None:
    consumer = harness.make_bus(via_proxy=True)
    got: list[str] = []

    async def on(ev: EventEnvelope, d: Delivery) -> None:
        got.append(ev.id)

    consumer.subscribe("resume", ["test.*"], on)
    await started(harness, consumer)
    publisher = harness.make_bus()  # straight to the broker
    harness.buses.append(publisher)
    first = event()
    await publisher.publish(first)
    await eventually(lambda: got == [first.id])

    await harness.broker_down(consumer)  # the consumer's connection is cut
    second = event()
    await publisher.publish(second)  # kept by the durable queue meanwhile
    await asyncio.sleep(0.5)
    await harness.broker_up(consumer)
    await eventually(lambda: second.id in got, timeout=30)
    assert got.count(second.id) >= 1 and got[0] == first.id
