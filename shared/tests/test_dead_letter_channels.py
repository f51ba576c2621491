"""The dead-letter operations (read, count, redeliver) borrow a channel of the service's broker
connection and give it back, whatever they find: an operator looking at an empty dead-letter
queue again and again must not pile up open channels on the connection (a broker allows a
connection a bounded number). And the test clean-up that deletes a bus's topology leaves no
connection behind."""

from __future__ import annotations

import uuid

from shared.bus import Delivery, EventEnvelope, RabbitMqBus


async def _noop(_: EventEnvelope, __: Delivery) -> None:
    return None


def _open_channels(bus: RabbitMqBus) -> int:
    assert bus._conn is not None and bus._conn.transport is not None
    return len(bus._conn.transport.connection.channels)


async def test_looking_at_dead_letters_leaves_no_channel_open(amqp_url: str) -> None:
    bus = RabbitMqBus(amqp_url, exchange=f"test.dead.{uuid.uuid4().hex[:10]}")
    bus.subscribe("looked_at", ["test.*"], _noop)
    try:
        await bus.start()
        before = _open_channels(bus)
        for _ in range(3):  # nothing parked
            assert await bus.dead_letters("looked_at") == []
            assert await bus.dead_letter_count("looked_at") == 0
            assert await bus.redeliver_dead_letters("looked_at") == 0
        assert _open_channels(bus) == before
    finally:
        await bus.stop()
        await bus.delete_topology()
    assert bus._conn is None  # the clean-up's own connection is closed too
