"""The runtime's bus metrics on ``/metrics`` (the names deploy/'s dashboard and alerts use):
handler time, retries, dead-letter depth and outbox lag."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared import housekeeping
from shared.bus import EventEnvelope, InProcessBus, RetryPolicy
from shared.contracts.events import APPLICATION_STATUS_CHANGED, StatusChanged
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.tests.outbox_models import Base, Inbox, Outbox

QUEUE = "metered"
T = APPLICATION_STATUS_CHANGED


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    settings = ServiceSettings(service_name="portal", database_url=f"sqlite+aiosqlite:///{tmp_path}/m.db",
                               migrate_on_startup=False)
    bus = InProcessBus(RetryPolicy(max_attempts=2, base_seconds=0.01, max_seconds=0.01))
    rt = ServiceRuntime(settings, outbox_model=Outbox, inbox_model=Inbox, migrations=".", bus=bus)
    async with rt.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    calls: dict[int, int] = {}

    async def effect(session: AsyncSession, ev: StatusChanged, env: EventEnvelope) -> None:
        calls[ev.seq] = calls.get(ev.seq, 0) + 1
        if ev.seq == 1 and calls[ev.seq] == 1:
            raise RuntimeError("fails once")
        if ev.seq == 99:
            raise RuntimeError("always fails")

    rt.consume(QUEUE, {StatusChanged: effect})
    await rt.startup()
    await bus.start()
    try:
        yield rt
    finally:
        await bus.stop()
        await rt.shutdown()


def status(seq: int) -> EventEnvelope:
    payload = StatusChanged.model_validate({"application_id": "app-1", "seq": seq, "status": "submitted",
                                            "at": datetime.now(UTC), "actor": "siki"})
    return EventEnvelope(type=T, correlation_id=uuid.uuid4().hex, application_id="app-1", source="siki",
                         payload=payload.model_dump(mode="json"))


async def scrape(rt: ServiceRuntime) -> dict[str, float]:
    app = FastAPI()
    rt.install(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        r = await client.get("/metrics")
    assert r.status_code == 200
    samples: dict[str, float] = {}
    for line in r.text.splitlines():
        m = re.fullmatch(r"([a-z_]+(?:\{[^}]*\})?) (\S+)", line)
        if m:
            samples[m.group(1)] = float(m.group(2))
    return samples


async def test_bus_metrics_appear_after_an_event_is_handled(runtime: ServiceRuntime) -> None:
    bus: Any = runtime.bus
    await bus.publish(status(1))  # fails once, then succeeds
    await bus.publish(status(99))  # fails twice: dead-lettered
    await bus.drain()
    await housekeeping.refresh_dead_letter_depth(runtime)
    got = await scrape(runtime)
    labels = f'{{queue="{QUEUE}",type="{T}"}}'
    assert got[f"event_handler_seconds_count{labels}"] == 4  # every run, failed or not
    assert got[f"event_handler_seconds_sum{labels}"] > 0
    # Retried: the first try of seq 1 and of seq 99; the last try of seq 99 is not a retry.
    assert got[f"event_retries_total{labels}"] == 2
    assert got[f'dead_letter_messages{{queue="{QUEUE}"}}'] == 1
    assert got["outbox_oldest_unpublished_seconds"] == 0.0


async def test_outbox_lag_reads_the_relay(runtime: ServiceRuntime) -> None:
    await runtime.relay.stop()  # it would refresh the age itself
    runtime.relay.oldest_unpublished_age = 42.5  # type: ignore[attr-defined]
    assert (await scrape(runtime))["outbox_oldest_unpublished_seconds"] == 42.5
