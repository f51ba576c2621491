"""Refusal on both transports of the event bus (in-process + SQLite, RabbitMQ + PostgreSQL, the
conformance harness): an event a handler refuses (``RefusedEvent``, e.g. a producer the catalogue
does not allow) is dead-lettered at once with its reason and refused again on redelivery; and
every delivery names the producer the transport vouches for (docs/CONTRACTS.md "Event
authenticity")."""

from __future__ import annotations

import asyncio

from shared.bus import Delivery, EventEnvelope, RefusedEvent, RetryPolicy
from shared.tests import test_bus_conformance as conformance
from shared.tests.test_bus_conformance import FAST, Harness, event, eventually, started

harness = conformance.harness  # the same two transports as the conformance tests


async def test_refused_event_is_dead_lettered_at_once_with_its_reason(harness: Harness) -> None:
    bus = harness.make_bus()
    calls: list[int] = []
    reason = "producer 'siki' may not publish skk.recorded"

    async def refuse(ev: EventEnvelope, d: Delivery) -> None:
        calls.append(d.attempt)
        raise RefusedEvent(reason)

    bus.subscribe("refusing", ["test.*"], refuse, policy=RetryPolicy(max_attempts=5, base_seconds=0.05))
    await started(harness, bus)
    ev = event(source="siki")
    await bus.publish(ev)

    async def parked() -> bool:
        return [d.event.id for d in await bus.dead_letter_records("refusing")] == [ev.id]

    await eventually(parked)
    await asyncio.sleep(0.3)
    assert calls == [1]  # permanent: no retry, however many attempts the policy allows
    (dead,) = await bus.dead_letter_records("refusing")
    assert dead.event == ev and dead.refused_reason == reason and dead.error is None
    assert [e.id for e in await bus.dead_letters("refusing")] == [ev.id]

    # An operator redelivering it meets the same refusal: parked again, with its reason.
    assert await bus.redeliver_dead_letters("refusing") == 1
    await eventually(lambda: len(calls) == 2)
    await eventually(parked)
    await asyncio.sleep(0.2)
    assert calls == [1, 1]
    (again,) = await bus.dead_letter_records("refusing")
    assert again.event == ev and again.refused_reason == reason


async def test_exhausted_dead_letter_says_the_last_error(harness: Harness) -> None:
    bus = harness.make_bus()

    async def broken(ev: EventEnvelope, d: Delivery) -> None:
        raise RuntimeError("database gone")

    bus.subscribe("exhausted", ["test.*"], broken, policy=FAST)
    await started(harness, bus)
    ev = event()
    await bus.publish(ev)

    async def parked() -> bool:
        return len(await bus.dead_letter_records("exhausted")) == 1

    await eventually(parked)
    (dead,) = await bus.dead_letter_records("exhausted")
    assert dead.refused_reason is None and dead.error is not None and "database gone" in dead.error


async def test_each_delivery_names_the_producer_the_transport_vouches_for(harness: Harness) -> None:
    bus = harness.make_bus()
    seen: list[tuple[int, str | None, str | None]] = []

    async def flaky(ev: EventEnvelope, d: Delivery) -> None:
        seen.append((d.attempt, d.producer, d.producer_user))
        if d.attempt < 2:
            raise RuntimeError("once more")

    bus.subscribe("vouched", ["test.*"], flaky, policy=FAST)
    await started(harness, bus)
    await bus.publish(event(source="lpjk"))
    await eventually(lambda: len(seen) == 2)
    # In-process: the source its runtime set (one trust domain). RabbitMQ, as guest (dev's shared
    # user, which speaks for any service): the source too, with the broker user behind it; the
    # retry, republished by the consumer, still carries the first publisher's user.
    user = None if harness.kind == "inprocess+sqlite" else "guest"
    assert seen == [(1, "lpjk", user), (2, "lpjk", user)]
