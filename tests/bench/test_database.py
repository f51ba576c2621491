"""The bench's readings of, and its stand-in for autovacuum in, the services' databases
(scripts/bench/database.py): autovacuum's rules as plain checks, and against a real PostgreSQL
database standing for one service's."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import asyncpg
import pytest

from scripts.bench.database import (
    AutovacuumRules,
    TableActivity,
    rows_read_by_full_scans,
    stand_in_for_autovacuum,
    tend,
)
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


# PostgreSQL's defaults: 50 + 10 % changed to analyze; 50 + 20 % dead, or 1,000 + 20 % inserted, to vacuum
RULES = AutovacuumRules()


def table(*, tuples: float = 1000, changed: int = 0, dead: int = 0, inserted: int = 0) -> TableActivity:
    return TableActivity("register", tuples, changed, dead, inserted)


@pytest.mark.parametrize(("activity", "may_vacuum", "command"), [
    (table(changed=150), True, None),  # the threshold itself is not enough
    (table(changed=151), False, "ANALYZE"),
    (table(tuples=-1, changed=51), False, "ANALYZE"),  # never analyzed: the base threshold alone
    (table(tuples=-1, changed=50), False, None),
    (table(tuples=100_000, changed=9_000), False, None),  # a big table waits for a tenth of itself
    (table(tuples=100_000, changed=10_051), False, "ANALYZE"),
    (table(dead=251), True, "VACUUM"),
    (table(dead=250), True, None),
    (table(dead=251, changed=151), True, "VACUUM (ANALYZE)"),
    (table(dead=251, changed=151), False, "ANALYZE"),  # a pass that may not vacuum only analyzes
    (table(dead=10_000), False, None),
    (table(inserted=1201), True, "VACUUM"),  # mostly inserted into: vacuumed for its visibility map
    (table(inserted=1200), True, None),
])
def test_the_stand_in_decides_as_autovacuum_does(activity: TableActivity, may_vacuum: bool,
                                                  command: str | None) -> None:
    assert RULES.command(activity, may_vacuum=may_vacuum) == command


async def _activity(conn: asyncpg.Connection, writer: asyncpg.Connection, changed: int) -> None:
    """Until ``writer``'s changes show in the statistics the stand-in reads."""
    await writer.execute("SELECT pg_stat_force_next_flush()")
    await wait_until(lambda: conn.fetchval("SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                                           "WHERE relname = 'register'"),
                     lambda n: n == changed, what=f"{changed} changes counted")


async def test_a_pass_analyzes_only_the_tables_autovacuum_would(pg_url: str) -> None:
    async with one_service(pg_url) as (_, writer):
        conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            await _activity(conn, writer, 250)
            assert await tend(conn, RULES, may_vacuum=False) == ["ANALYZE register"]  # 250 > 50 + 0
            await writer.execute("UPDATE register SET n = n WHERE n <= 70")
            await _activity(conn, writer, 70)
            assert await tend(conn, RULES, may_vacuum=True) == []  # 70 changed of 250: under 50 + 25
            await writer.execute("DELETE FROM register WHERE n > 190")
            await _activity(conn, writer, 130)
            # 130 changed > 75, and 70 + 60 dead versions > 50 + 50
            assert await tend(conn, RULES, may_vacuum=True) == ["VACUUM (ANALYZE) register"]
            assert await conn.fetchval("SELECT reltuples FROM pg_class WHERE relname = 'register'") == 190
        finally:
            await conn.close()


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
