"""Published outbox rows older than the retention are deleted, a batch at a time; unpublished
rows and recent ones stay (shared/outbox_retention.py), on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import housekeeping
from shared.bus.envelope import utcnow
from shared.database import create_engine, make_session_factory
from shared.outbox import add_event
from shared.outbox_retention import purge_published
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings
from shared.tests.outbox_models import Base, Inbox, Outbox


@pytest.fixture(params=["sqlite_url", "pg_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.fixture
async def db(url: str) -> AsyncIterator[tuple[str, async_sessionmaker[AsyncSession]]]:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield url, make_session_factory(engine)
    await engine.dispose()


async def _row(sessions: async_sessionmaker[AsyncSession], published: datetime | None) -> str:
    async with sessions() as s, s.begin():
        event_id = add_event(s, Outbox, "test.happened", {"full_name": "Siti"}, application_id="app-1").id
    async with sessions() as s, s.begin():
        await s.execute(update(Outbox).where(Outbox.event_id == event_id).values(published_at=published))
    return event_id


async def _left(sessions: async_sessionmaker[AsyncSession]) -> set[str]:
    async with sessions() as s:
        return set((await s.execute(select(Outbox.event_id))).scalars())


async def test_only_rows_published_before_the_cutoff_go(db: tuple[str, async_sessionmaker[AsyncSession]]) -> None:
    _, sessions = db
    now = utcnow()
    old = [await _row(sessions, now - timedelta(days=8)) for _ in range(5)]
    recent = await _row(sessions, now - timedelta(hours=1))
    unpublished = await _row(sessions, None)

    assert await purge_published(sessions, Outbox, now - timedelta(days=7), batch=2) == 5  # three batches
    left = await _left(sessions)
    assert left == {recent, unpublished}
    assert not left & set(old)
    assert await purge_published(sessions, Outbox, now - timedelta(days=7)) == 0


async def test_the_runtime_keeps_the_configured_days(db: tuple[str, async_sessionmaker[AsyncSession]]) -> None:
    url, sessions = db
    now = utcnow()
    three_days = await _row(sessions, now - timedelta(days=3))
    one_day = await _row(sessions, now - timedelta(days=1))
    settings = ServiceSettings(service_name="portal", database_url=url, migrate_on_startup=False,
                               outbox_retention_days=2)
    runtime = ServiceRuntime(settings, outbox_model=Outbox, inbox_model=Inbox, migrations=".")
    try:
        assert await housekeeping.purge_published_events(runtime) == 1
    finally:
        await runtime.engine.dispose()
    assert await _left(sessions) == {one_day}
    assert three_days not in await _left(sessions)


def test_a_retention_of_zero_days_is_refused() -> None:
    with pytest.raises(ValueError, match="outbox_retention_days"):
        ServiceSettings(service_name="portal", outbox_retention_days=0)


async def test_the_first_pass_comes_minutes_after_start_then_hourly(monkeypatch: pytest.MonkeyPatch,
                                                                    sqlite_url: str) -> None:
    settings = ServiceSettings(service_name="portal", database_url=sqlite_url, migrate_on_startup=False)
    runtime = ServiceRuntime(settings, outbox_model=Outbox, inbox_model=Inbox, migrations=".")
    happened: list[str] = []

    async def sleep(seconds: float) -> None:
        happened.append(f"sleep {seconds:g}")
        if len(happened) > 4:
            raise asyncio.CancelledError

    async def purge(_: ServiceRuntime) -> int:
        happened.append("purge")
        return 0

    monkeypatch.setattr("shared.housekeeping.asyncio.sleep", sleep)
    monkeypatch.setattr(housekeeping, "purge_published_events", purge)
    with pytest.raises(asyncio.CancelledError):
        await housekeeping.purge_outbox_hourly(runtime)
    await runtime.engine.dispose()
    assert happened == ["sleep 300", "purge", "sleep 3600", "purge", "sleep 3600"]
