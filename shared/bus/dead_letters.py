"""The RabbitMQ bus's headers and its dead-letter and clean-up operations (``X.q.dead``: read,
count, redeliver; the topology removed after a test). Split from ``shared/bus/rabbitmq.py``."""

from __future__ import annotations

import contextlib
import json
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


async def _drain(bus: RabbitMqBus, name: str) -> list[tuple[AbstractIncomingMessage, bytes]]:
    await bus._connect()
    assert bus._conn is not None
    ch = await bus._conn.channel()
    queue = await ch.declare_queue(name, durable=True)
    got: list[tuple[AbstractIncomingMessage, bytes]] = []
    while True:
        msg = await queue.get(no_ack=False, fail=False)
        if msg is None:
            break
        got.append((msg, msg.body))
    return got

async def records(bus: RabbitMqBus, queue: str) -> list[DeadLetter]:
    got = await _drain(bus, bus.queue_name(queue) + ".dead")
    records: list[DeadLetter] = []
    for msg, body in got:
        with contextlib.suppress(Exception):
            records.append(DeadLetter(EventEnvelope.model_validate(json.loads(body)),
                                      refused_reason=header(msg, REFUSED_HEADER),
                                      error=header(msg, ERROR_HEADER), producer_user=bus.vouched_user(msg)))
        await msg.nack(requeue=True)
    if got:
        await got[0][0].channel.close()
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
    got = await _drain(bus, name + ".dead")
    await bus._connect()
    assert bus._pub_channel is not None
    moved = 0
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
    if got:
        await got[0][0].channel.close()
    return moved

async def delete_topology(bus: RabbitMqBus) -> None:
    """Remove this bus's exchange and queues (test clean-up)."""
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
