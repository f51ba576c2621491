"""Order per application through retries, on both transports, with one and with two consumers
per queue: a handler fails on event 1 of an application; the application's events are still
handled 1..N, and other applications are not held up meanwhile."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from shared.bus import Delivery, EventBus, EventEnvelope, InProcessBus, RabbitMqBus, RetryPolicy
from shared.tests.waiting import eventually

POLICY = RetryPolicy(max_attempts=5, base_seconds=0.3, max_seconds=0.6)


@dataclass
class Buses:
    """``consumers`` buses consuming one queue (RabbitMQ: each its own connection, like two
    processes), and a publisher."""

    kind: str
    make: Callable[[], EventBus]
    all: list[EventBus] = field(default_factory=list)

    def new(self) -> EventBus:
        bus = self.make()
        if bus not in self.all:
            self.all.append(bus)
        return bus


@pytest.fixture(params=["inprocess", "rabbitmq"])
async def buses(request: pytest.FixtureRequest) -> AsyncIterator[Buses]:
    if request.param == "inprocess":
        shared = InProcessBus(POLICY)
        b = Buses("inprocess", lambda: shared)
    else:
        amqp = request.getfixturevalue("amqp_url")
        exchange = f"test.order.{uuid.uuid4().hex[:10]}"
        b = Buses("rabbitmq", lambda: RabbitMqBus(amqp, exchange=exchange, default_policy=POLICY))
    try:
        yield b
    finally:
        for bus in b.all:
            await bus.stop()
        for bus in b.all:
            if isinstance(bus, RabbitMqBus):
                await bus.delete_topology()
                break


def event(app: str, n: int) -> EventEnvelope:
    return EventEnvelope(type="test.step", correlation_id=f"c-{app}-{n}", application_id=app, source="test",
                         payload={"n": n})



class Recorder:
    """A handler that fails ``failures`` times on event 1 of application ``a`` and records what
    it handled, in order, per application (and when)."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.handled: dict[str, list[int]] = {}
        self.attempts: list[tuple[str, int, int]] = []
        self.first_done: asyncio.Event = asyncio.Event()
        self.b_done_while_a1_failing = False

    def handler(self, consumer: str) -> Callable[[EventEnvelope, Delivery], Awaitable[None]]:
        async def handle(ev: EventEnvelope, d: Delivery) -> None:
            app, n = ev.application_id or "", int(ev.payload["n"])
            self.attempts.append((app, n, d.attempt))
            if app == "a" and n == 1 and sum(1 for x in self.attempts if x[:2] == ("a", 1)) <= self.failures:
                raise RuntimeError("injected failure")
            self.handled.setdefault(app, []).append(n)
            if app == "b" and "a" not in self.handled:
                self.b_done_while_a1_failing = True
        return handle


async def _run(buses: Buses, consumers: int, failures: int, n: int = 6) -> Recorder:
    rec = Recorder(failures)
    # In memory there is one bus per process (a second subscriber of a queue would be a second
    # handler of each event, not a competing consumer): "two consumers" is RabbitMQ's case.
    for i in range(consumers if buses.kind == "rabbitmq" else 1):
        bus = buses.new()
        bus.subscribe("ordered", ["test.step"], rec.handler(f"c{i}"), concurrency=8)
    for bus in buses.all:
        await bus.start()
    publisher = buses.new()
    if publisher not in buses.all[:consumers]:
        await publisher.start()
    for i in range(1, n + 1):
        await publisher.publish(event("a", i))
    for i in range(1, 4):
        await publisher.publish(event("b", i))
    await eventually(lambda: len(rec.handled.get("a", [])) >= n and len(rec.handled.get("b", [])) >= 3)
    await asyncio.sleep(0.3)  # nothing more arrives
    return rec


@pytest.mark.parametrize("consumers", [1, 2])
@pytest.mark.parametrize("failures", [1, 3])
async def test_a_failed_event_holds_its_application_later_events(buses: Buses, consumers: int,
                                                                 failures: int) -> None:
    rec = await _run(buses, consumers, failures)
    assert rec.handled["a"] == [1, 2, 3, 4, 5, 6]
    assert rec.handled["b"] == [1, 2, 3]
    # Event 1 was tried failures + 1 times, each later event once (no duplicate, no overtaking).
    assert [x[2] for x in rec.attempts if x[:2] == ("a", 1)] == list(range(1, failures + 2))
    assert sorted(x[1] for x in rec.attempts if x[0] == "a" and x[1] != 1) == [2, 3, 4, 5, 6]
    # Another application was not held up while event 1 waited out its backoff.
    assert rec.b_done_while_a1_failing
    for bus in buses.all:
        assert await bus.dead_letters("ordered") == []


async def test_exhausted_event_is_parked_and_releases_its_application(buses: Buses) -> None:
    rec = Recorder(failures=99)
    bus = buses.new()
    bus.subscribe("parked", ["test.step"], rec.handler("c0"),
                  policy=RetryPolicy(max_attempts=2, base_seconds=0.1, max_seconds=0.1))
    await bus.start()
    for i in (1, 2, 3):
        await bus.publish(event("a", i))
    await eventually(lambda: rec.handled.get("a") == [2, 3])
    dead = [e.payload["n"] for e in await bus.dead_letters("parked")]
    assert dead == [1]
    assert [x[2] for x in rec.attempts if x[:2] == ("a", 1)] == [1, 2]


@pytest.mark.parametrize("buses", ["rabbitmq"], indirect=True)
async def test_standby_consumer_takes_over_in_order(buses: Buses) -> None:
    """Two consumer processes on one queue: only one is active; when it goes away while event 1
    waits for its retry, the other takes over and still handles 1..N in order."""
    rec = Recorder(failures=1)
    first, second = buses.new(), buses.new()
    first.subscribe("takeover", ["test.step"], rec.handler("first"))
    second.subscribe("takeover", ["test.step"], rec.handler("second"))
    await first.start()
    await second.start()
    publisher = buses.new()
    for i in range(1, 5):
        await publisher.publish(event("a", i))
    await eventually(lambda: len(rec.attempts) >= 1)
    await first.stop()  # the active consumer goes away during event 1's backoff
    await eventually(lambda: len(rec.handled.get("a", [])) >= 4)
    await asyncio.sleep(0.3)
    handled = rec.handled["a"]
    assert sorted(set(handled)) == [1, 2, 3, 4]
    # At-least-once: a redelivered event may run again, but never ahead of an earlier one.
    firsts = [n for i, n in enumerate(handled) if n not in handled[:i]]
    assert firsts == [1, 2, 3, 4]
