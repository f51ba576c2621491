"""Brokers whose queues an earlier version declared without ``x-single-active-consumer``: the bus
still consumes them (redeclaring with the argument would fail with PRECONDITION_FAILED), and
``upgrade_queues`` redeclares them with it, keeping their events in order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest

from shared.bus import Delivery, EventEnvelope, RabbitMqBus
from shared.bus.rabbitmq import SAC_ARGUMENTS


@pytest.fixture
async def exchange(amqp_url: str) -> AsyncIterator[str]:
    name = f"test.legacy.{uuid.uuid4().hex[:10]}"
    yield name
    cleaner = RabbitMqBus(amqp_url, exchange=name)
    cleaner.subscribe("legacy", ["test.*"], _noop)
    await cleaner.delete_topology()
    await cleaner.stop()


async def _noop(_: EventEnvelope, __: Delivery) -> None:
    return None


def step(n: int) -> EventEnvelope:
    return EventEnvelope(type="test.step", correlation_id=f"c{n}", application_id="a", source="test",
                         payload={"n": n})


async def _until(check: object, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _has_sac(amqp_url: str, queue: str) -> bool:
    async with await aio_pika.connect(amqp_url) as conn:
        ch = await conn.channel()
        try:
            await ch.declare_queue(queue, durable=True, arguments=SAC_ARGUMENTS)
            return True
        except aio_pika.exceptions.ChannelPreconditionFailed:
            return False


async def test_legacy_queue_is_consumed_then_upgraded_in_order(amqp_url: str, exchange: str) -> None:
    name = f"{exchange}.legacy"
    # The topology as an earlier version declared it, with events waiting.
    async with await aio_pika.connect(amqp_url) as conn:
        ch = await conn.channel()
        ex = await ch.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        q = await ch.declare_queue(name, durable=True)
        await q.bind(ex, routing_key="test.*")
    publisher = RabbitMqBus(amqp_url, exchange=exchange)
    for n in (1, 2, 3):
        await publisher.publish(step(n))

    got: list[int] = []

    async def on(ev: EventEnvelope, d: Delivery) -> None:
        got.append(int(ev.payload["n"]))

    consumer = RabbitMqBus(amqp_url, exchange=exchange)
    consumer.subscribe("legacy", ["test.*"], on)
    await consumer.start()  # no PRECONDITION_FAILED: consumed as it is
    await _until(lambda: got == [1, 2, 3])
    await consumer.stop()
    assert not await _has_sac(amqp_url, name)

    for n in (4, 5, 6):  # the chain stopped; events keep waiting in the queue
        await publisher.publish(step(n))
    upgrader = RabbitMqBus(amqp_url, exchange=exchange)
    assert await upgrader.upgrade_queues({"legacy": ["test.*"]}) == [name]
    assert await upgrader.upgrade_queues({"legacy": ["test.*"]}) == []  # idempotent
    await upgrader.stop()
    assert await _has_sac(amqp_url, name)

    consumer = RabbitMqBus(amqp_url, exchange=exchange)
    consumer.subscribe("legacy", ["test.*"], on)
    await consumer.start()
    await publisher.publish(step(7))  # the upgraded queue is bound again
    await _until(lambda: len(got) >= 7)
    assert got == [1, 2, 3, 4, 5, 6, 7]
    await consumer.stop()
    await publisher.stop()


async def test_an_upgrade_that_fails_gives_back_the_channels_it_opened(
        amqp_url: str, exchange: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The upgrade borrows channels of the bus's connection; one that fails half way (here the
    move to the holding queue) leaves none of them open on a connection that lives on, and the
    queue's events where they were."""
    from shared.bus import upgrade

    name = f"{exchange}.legacy"
    async with await aio_pika.connect(amqp_url) as conn:
        ch = await conn.channel()
        ex = await ch.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        q = await ch.declare_queue(name, durable=True)  # no single-active-consumer: a legacy queue
        await q.bind(ex, routing_key="test.*")

    async def broken_move(*_: object, **__: object) -> int:
        raise ConnectionError("the broker went away half way")

    upgrader = RabbitMqBus(amqp_url, exchange=exchange)
    try:
        await upgrader._connect()
        assert upgrader._conn is not None and upgrader._conn.transport is not None
        before = len(upgrader._conn.transport.connection.channels)
        monkeypatch.setattr(upgrade, "_move", broken_move)
        with pytest.raises(ConnectionError):
            await upgrader.upgrade_queues({"legacy": ["test.*"]})
        assert len(upgrader._conn.transport.connection.channels) == before
    finally:
        await upgrader.stop()
    assert not await _has_sac(amqp_url, name)  # not deleted: still the legacy queue
