"""A service process's upkeep beside its requests and events, run by :class:`ServiceRuntime` from
its start to its shutdown: expired throttle counters and old published outbox rows deleted, the
dead-letter queues' depth kept current for the metrics, and a warning when the database server
would let the tables' statistics go stale."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from shared.bus.envelope import utcnow
from shared.database import autovacuum_off
from shared.logging import get_logger
from shared.outbox_retention import purge_published

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime

log = get_logger(__name__)

HOUR = 3600.0
# The first outbox purge comes minutes after start, so that a service restarted more often than
# hourly still purges.
FIRST_OUTBOX_PURGE_AFTER = 300.0


def loops(runtime: ServiceRuntime) -> list[Callable[[], Awaitable[None]]]:
    """The periodic tasks every service runs (the runtime guards and cancels them)."""
    return [partial(purge_counters_hourly, runtime), partial(purge_outbox_hourly, runtime),
            partial(watch_dead_letters, runtime)]


async def warn_without_autovacuum(runtime: ServiceRuntime) -> bool:
    """Log a warning when the database server runs without autovacuum; True if it did."""
    if not await autovacuum_off(runtime.engine):
        return False
    log.warning("PostgreSQL runs with autovacuum off: tables are never analyzed, so queries keep "
                "the plans they got while the tables were small; turn it on, or ANALYZE on a schedule",
                service=runtime.name)
    return True


async def purge_counters_hourly(runtime: ServiceRuntime) -> None:
    """Expired throttle counters go (retention: they hold keyed hashes of emails and addresses)."""
    while True:
        await asyncio.sleep(HOUR)
        await runtime.throttle.purge_expired()


async def purge_outbox_hourly(runtime: ServiceRuntime) -> None:
    """Outbox rows published longer ago than ``outbox_retention_days`` go, hourly."""
    await asyncio.sleep(FIRST_OUTBOX_PURGE_AFTER)
    while True:
        await purge_published_events(runtime)
        await asyncio.sleep(HOUR)


async def purge_published_events(runtime: ServiceRuntime) -> int:
    """One retention pass over the outbox (shared/outbox_retention.py); returns the rows deleted."""
    if getattr(runtime.outbox_model, "__table__", None) is None:  # a runtime that never relays
        return 0
    before = utcnow() - timedelta(days=runtime.settings.outbox_retention_days)
    gone = await purge_published(runtime.sessions, runtime.outbox_model, before)
    if gone:
        log.info("published outbox rows purged", rows=gone)
    return gone


async def watch_dead_letters(runtime: ServiceRuntime) -> None:
    while True:
        await refresh_dead_letter_depth(runtime)
        await asyncio.sleep(runtime.dead_letter_refresh_seconds)


async def refresh_dead_letter_depth(runtime: ServiceRuntime) -> None:
    """``dead_letter_messages`` for each queue the service consumes (a passive declare on
    RabbitMQ: no message is read). A broker that cannot answer now keeps the last value."""
    for queue in runtime.consumed_queues():
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the inner call finishes, and shutdown would then wait for ever.
            async with asyncio.timeout(5):
                depth = await runtime.bus.dead_letter_count(queue)
        except Exception as exc:  # an outage is reported by the bus itself
            log.debug("dead-letter depth not refreshed", queue=queue, error=repr(exc))
            continue
        runtime.dead_letter_depth.labels(queue).set(depth)
