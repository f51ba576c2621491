"""The RabbitMQ bus's headers and its dead-letter and clean-up operations (``X.q.dead``: read,
count, redeliver; the topology removed after a test). Split from ``shared/bus/rabbitmq.py``."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aio_pika.abc import AbstractIncomingMessage

from shared.bus.base import DeadLetter
from shared.bus.envelope import EventEnvelope

if TYPE_CHECKING:
    from shared.bus.rabbitmq import RabbitMqBus

ATTEMPT_HEADER = "x-skk-attempt"
# The broker user that published the event first (set by a consumer republishing it).
PRODUCER_HEADER = "x-skk-producer-user"
REFUSED_HEADER = "x-refused-reason"
ERROR_HEADER = "x-skk-error"


def header(message: AbstractIncomingMessage, name: str) -> str | None:
    value = (message.headers or {}).get(name)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return value if isinstance(value, str) and value else None


@contextlib.asynccontextmanager
async def _draining(bus: RabbitMqBus, name: str) -> AsyncIterator[list[tuple[AbstractIncomingMessage, bytes]]]:
    """Every message of queue ``name``, taken unacknowledged on a channel of their own, closed on
    leaving however the block ends (a message neither acked nor nacked by then goes back to
    the queue). Closing the channel through aio-pika, not the message's driver channel, lets
    its close callbacks finish before this returns; and a drain that found nothing closes it too
    (else each look at an empty queue left a channel open on the service's connection)."""
    await bus._connect()
    assert bus._conn is not None
    ch = await bus._conn.channel()
    try:
        queue = await ch.declare_queue(name, durable=True)
        got: list[tuple[AbstractIncomingMessage, bytes]] = []
        while True:
            msg = await queue.get(no_ack=False, fail=False)
            if msg is None:
                break
            got.append((msg, msg.body))
        yield got
    finally:
        with contextlib.suppress(Exception):
            await ch.close()


async def records(bus: RabbitMqBus, queue: str) -> list[DeadLetter]:
    records: list[DeadLetter] = []
    async with _draining(bus, bus.queue_name(queue) + ".dead") as got:
        for msg, body in got:
            with contextlib.suppress(Exception):
                records.append(DeadLetter(EventEnvelope.model_validate(json.loads(body)),
                                          refused_reason=header(msg, REFUSED_HEADER),
                                          error=header(msg, ERROR_HEADER), producer_user=bus.vouched_user(msg)))
            await msg.nack(requeue=True)
    return records


async def count(bus: RabbitMqBus, queue: str) -> int:
    """A passive declare of ``X.q.dead``: its depth without reading a message."""
    await bus._connect()
    assert bus._conn is not None
    ch = await bus._conn.channel()
    try:
        declared = await ch.declare_queue(bus.queue_name(queue) + ".dead", passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        with contextlib.suppress(Exception):
            await ch.close()

async def redeliver(bus: RabbitMqBus, queue: str) -> int:
    name = bus.queue_name(queue)
    moved = 0
    async with _draining(bus, name + ".dead") as got:
        await bus._connect()
        assert bus._pub_channel is not None
        for msg, body in got:
            try:
                event = EventEnvelope.model_validate(json.loads(body))
            except Exception:
                await msg.nack(requeue=True)
                continue
            # Back under this service's user, carrying the user that published it first: the
            # consumer checks that producer again (a refused event is refused again).
            await bus._pub_channel.default_exchange.publish(bus._message(event, 1, carried=bus.vouched_user(msg)),
                                                             routing_key=name)
            await msg.ack()
            moved += 1
    return moved


async def delete_topology(bus: RabbitMqBus) -> None:
    """Remove this bus's exchange and queues (test clean-up), and leave the bus stopped: called
    after its stop, it connects again to delete them, and that connection must not outlive it."""
    await bus._connect()
    assert bus._conn is not None
    ch = await bus._conn.channel()
    for sub in bus.subscriptions:
        for suffix in ("", ".retry", ".dead", ".upgrade"):
            with contextlib.suppress(Exception):
                await ch.queue_delete(bus.queue_name(sub.queue) + suffix)
    with contextlib.suppress(Exception):
        await ch.exchange_delete(bus.exchange_name)
    with contextlib.suppress(Exception):
        await ch.close()
    await bus.stop()
