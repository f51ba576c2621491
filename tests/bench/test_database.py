"""The bench's readings of, and its ANALYZE for, the services' databases (scripts/bench/database.py),
against a real PostgreSQL database standing for one service's."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest

from scripts.bench.database import rows_read_by_full_scans, stand_in_for_autovacuum
from shared.tests.waiting import wait_until

pytestmark = pytest.mark.postgres


@asynccontextmanager
async def one_service(pg_url: str) -> AsyncIterator[tuple[Any, asyncpg.Connection]]:
    """A chain of one service (``lpjk``) whose database is ``pg_url``, holding a 250-row table
    with no index, and a connection to that database."""
    urls = {"lpjk": pg_url}  # the replica lpjk#2 shares it
    running = SimpleNamespace(pids={"lpjk": 1, "lpjk#2": 2}, processes=SimpleNamespace(database_url=urls.__getitem__))
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("CREATE TABLE register (n int); INSERT INTO register SELECT generate_series(1, 250)")
        yield running, conn
    finally:
        await conn.close()


async def test_a_soak_round_counts_the_rows_each_database_read_by_full_scans(pg_url: str) -> None:
    async with one_service(pg_url) as (running, conn):
        before = await rows_read_by_full_scans(running)
        for _ in range(2):
            assert await conn.fetchval("SELECT count(*) FROM register WHERE n % 7 = 0") == 35  # no index: read whole
        await conn.execute("SELECT pg_stat_force_next_flush()")  # this backend's counts, now rather than in 1 s
        after = await wait_until(lambda: rows_read_by_full_scans(running), lambda now: now != before,
                                 what="the scans counted")
    assert after["lpjk"] - before["lpjk"] == 500


async def test_the_bench_analyzes_the_databases_when_the_server_has_no_autovacuum(pg_url: str) -> None:
    async with one_service(pg_url) as (running, conn):
        autovacuum_off = await conn.fetchval("SHOW autovacuum") == "off"
        out = io.StringIO()
        async with stand_in_for_autovacuum(running, out, every=0.05, vacuum_every=0.3) as analyzing:
            assert analyzing is autovacuum_off
            if autovacuum_off:  # this CI machine's server: the statistics exist only because the bench makes them
                await conn.execute("INSERT INTO register SELECT generate_series(251, 400)")
                await wait_until(lambda: conn.fetchval("SELECT reltuples FROM pg_class WHERE relname = 'register'"),
                                 lambda tuples: tuples == 400, what="the grown table analyzed")
                assert "without autovacuum" in out.getvalue()
                # ...and the dead row versions of updates and deletes are reclaimed by its VACUUM.
                await conn.execute("DELETE FROM register WHERE n > 200")
                deleted_at = await conn.fetchval("SELECT now()")
                await wait_until(lambda: conn.fetchval("SELECT last_vacuum FROM pg_stat_user_tables "
                                                       "WHERE relname = 'register'"),
                                 lambda at: at is not None and at > deleted_at, what="the table vacuumed")
