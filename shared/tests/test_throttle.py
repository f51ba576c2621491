"""Throttle counters: tiers, keys kept apart, clearing, and the PostgreSQL storage replicas share."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.database import create_engine, run_migrations
from shared.tests.round_trips import simple_queries
from shared.throttle import Rule, Throttle, client_of
from shared.throttle_storage import SqlStorage

ROOT = Path(__file__).resolve().parents[2]
PORTAL_MIGRATIONS = ROOT / "services" / "portal" / "db" / "migrations"

LOGIN = Rule("login-test", "3/minute;5/hour")


async def _exercise(throttle: Throttle) -> None:
    assert await throttle.blocked([LOGIN], "a@x.id", "10.0.0.1") is None
    for _ in range(2):
        assert await throttle.hit([LOGIN], "a@x.id", "10.0.0.1") is None
    wait = await throttle.hit([LOGIN], "a@x.id", "10.0.0.1")
    assert wait is None  # the third of three is still allowed
    wait = await throttle.blocked([LOGIN], "a@x.id", "10.0.0.1")
    assert wait is not None and 1 <= wait <= 60
    # The same account from another client, and another account from the same client, are apart.
    assert await throttle.blocked([LOGIN], "a@x.id", "10.0.0.2") is None
    assert await throttle.blocked([LOGIN], "b@x.id", "10.0.0.1") is None
    await throttle.clear([LOGIN], "a@x.id", "10.0.0.1")
    assert await throttle.blocked([LOGIN], "a@x.id", "10.0.0.1") is None


async def test_memory_throttle_tiers_keys_and_clear() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        throttle = Throttle.for_engine(engine, secret=b"k" * 32)
        assert not isinstance(throttle.storage, SqlStorage)
        await _exercise(throttle)
    finally:
        await engine.dispose()


async def test_longer_tier_outlasts_the_short_one() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        throttle = Throttle.for_engine(engine)
        rule = Rule("grow", "2/second;3/hour")
        await throttle.hit([rule], "k")
        await throttle.hit([rule], "k")
        await asyncio.sleep(1.1)  # the per-second tier has passed
        await throttle.hit([rule], "k")
        wait = await throttle.blocked([rule], "k")
        assert wait is not None and wait > 60  # now the hour tier holds: a growing delay
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_storage_is_shared_and_stores_no_clear_key(pg_url: str) -> None:
    engine = create_engine(pg_url)
    other = create_engine(pg_url)  # a second replica's pool
    try:
        await run_migrations(engine, PORTAL_MIGRATIONS)
        first, second = Throttle.for_engine(engine, secret=b"s" * 32), Throttle.for_engine(other, secret=b"s" * 32)
        assert isinstance(first.storage, SqlStorage)
        await _exercise(first)
        await first.hit([LOGIN], "c@x.id", "10.0.0.9")
        await first.hit([LOGIN], "c@x.id", "10.0.0.9")
        await second.hit([LOGIN], "c@x.id", "10.0.0.9")
        assert await second.blocked([LOGIN], "c@x.id", "10.0.0.9") is not None
        assert await first.blocked([LOGIN], "c@x.id", "10.0.0.9") is not None
        async with engine.connect() as conn:
            keys = (await conn.execute(sa.text("SELECT key FROM rate_limit_counters"))).scalars().all()
            assert keys and not any("c@x.id" in k or "10.0.0.9" in k for k in keys)
            await conn.execute(sa.text("UPDATE rate_limit_counters SET expires_at = 0"))
            await conn.commit()
        assert await first.purge_expired() >= 1
        assert await first.blocked([LOGIN], "c@x.id", "10.0.0.9") is None
    finally:
        await engine.dispose()
        await other.dispose()


def test_client_of_reads_the_asgi_client() -> None:
    class Client:
        host = "192.0.2.7"

    class Request:
        client = Client()

    assert client_of(Request()) == "192.0.2.7"
    assert client_of(object()) == "unknown"


@pytest.mark.postgres
async def test_postgres_storage_sends_no_begin_commit_or_rollback(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each storage operation is one statement: checks and counts of a throttled request cost one
    round trip each, not three."""
    engine = create_engine(pg_url)
    try:
        await run_migrations(engine, PORTAL_MIGRATIONS)
        throttle = Throttle.for_engine(engine, secret=b"s" * 32)
        await throttle.hit([LOGIN], "warm@x.id", "10.0.0.1")  # the pool's connection, warmed
        sent = simple_queries(monkeypatch)  # BEGIN, COMMIT and ROLLBACK go this way
        await _exercise(throttle)
        assert await throttle.purge_expired() == 0
        assert sent == []
    finally:
        await engine.dispose()
