"""Upgrading a broker's consumer queues to single-active-consumer (``shared.bus.rabbitmq``'s
docstring, "Existing brokers"). With the chain stopped (no publisher, no consumer)::

    SKK_AMQP_URL=amqp://admin:...@broker/ python -m shared.bus.upgrade [lsp.LSP-A ...]

upgrades the catalogue's queues (``shared.contracts.events.QUEUES``) and the queues named (an
LSP's own ``lsp.<code>``: its service binds it again when it starts). Re-runnable.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import aio_pika

from shared.bus.base import Delivery, Subscription
from shared.bus.envelope import EventEnvelope
from shared.bus.rabbitmq import PRODUCER_HEADER
from shared.logging import get_logger

if TYPE_CHECKING:
    from shared.bus.rabbitmq import RabbitMqBus

log = get_logger(__name__)


async def _noop(_: EventEnvelope, __: Delivery) -> None:
    return None


async def upgrade_queues(bus: RabbitMqBus, queues: Mapping[str, list[str]]) -> list[str]:
    """Redeclare each legacy consumer queue of ``queues`` (name -> patterns) as a
    single-active-consumer queue, keeping its events in order: move them to ``X.q.upgrade``,
    delete ``X.q``, declare it with the argument and its bindings, move them back. Run it
    with the chain stopped (no publisher, no consumer), as a user allowed to read the queues.
    Safe to re-run after a crash (at-least-once moves may duplicate an event; the inbox
    absorbs it). Returns the queues upgraded."""
    await bus._connect()
    assert bus._conn is not None and bus._pub_channel is not None
    done: list[str] = []
    for queue, patterns in queues.items():
        name = bus.queue_name(queue)
        holding = name + ".upgrade"
        sub = Subscription(queue, list(patterns), _noop)
        ch, _ = await bus._declare_on_new_channel(sub, own=False)
        await ch.close()
        if name not in bus._legacy_queues:
            # Already single-active-consumer; finish an interrupted upgrade if one was.
            await _move(bus, holding, name, delete_source=True)
            continue
        # Closed whatever happens: the bus's connection may outlive a failed upgrade.
        async with await bus._conn.channel() as admin:
            await admin.declare_queue(holding, durable=True)
            await _move(bus, name, holding)
            await admin.queue_delete(name)
        bus._legacy_queues.discard(name)
        ch, _ = await bus._declare_on_new_channel(sub, own=False)
        await ch.close()
        await _move(bus, holding, name, delete_source=True)
        log.info("queue upgraded to single-active-consumer", queue=name)
        done.append(name)
    return done


async def _move(bus: RabbitMqBus, source: str, target: str, *, delete_source: bool = False) -> int:
    """Move every message of ``source`` to ``target`` in order, each confirmed before acked."""
    assert bus._conn is not None
    ch = await bus._conn.channel(publisher_confirms=True)
    try:
        src = await ch.declare_queue(source, durable=True)
        moved = 0
        while (msg := await src.get(no_ack=False, fail=False)) is not None:
            await ch.default_exchange.publish(
                # Republished under this service's user, carrying the user that vouched for it.
                aio_pika.Message(body=msg.body, content_type=msg.content_type,
                                 headers={**(msg.headers or {}), PRODUCER_HEADER: bus.vouched_user(msg) or ""},
                                 delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=msg.message_id,
                                 type=msg.type, correlation_id=msg.correlation_id, user_id=bus.user_id),
                routing_key=target, mandatory=True)  # no such queue: raises, nothing acked
            await msg.ack()
            moved += 1
        if delete_source:
            await ch.queue_delete(source, if_empty=True)
        return moved
    finally:
        with contextlib.suppress(Exception):
            await ch.close()


async def _main(argv: list[str]) -> int:
    from shared.bus.rabbitmq import RabbitMqBus
    from shared.contracts.events import QUEUES

    url = os.environ.get("SKK_AMQP_URL")
    if not url:
        print("SKK_AMQP_URL is not set", file=sys.stderr)
        return 2
    queues: dict[str, list[str]] = {q: list(p) for q, p in QUEUES.items()}
    queues.update({name: [] for name in argv})
    bus = RabbitMqBus(url, exchange=os.environ.get("SKK_BUS_EXCHANGE", "skk.events"))
    try:
        done = await upgrade_queues(bus, queues)
    finally:
        await bus.stop()
    print("upgraded: " + (", ".join(done) if done else "nothing (all single-active-consumer already)"))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1:])))
