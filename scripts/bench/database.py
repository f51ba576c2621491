"""What the bench reads from and does to the services' PostgreSQL databases.

``rows_read_by_full_scans``: per service, the rows its database has read by sequential scans so
far; per application it stays flat over a soak's rounds unless a query reads a whole table that
grows with them.

``stand_in_for_autovacuum``: a server run with ``autovacuum = off`` (this CI machine's PostgreSQL
is) never gathers statistics on the services' new tables, and PostgreSQL replans a prepared
statement only when its tables' statistics change: a generic plan made while a table was nearly
empty (a sequential scan, the cheapest then) is kept by that connection for its whole life and
reads the ever larger table on every run. Analyzing once is no better: the planner then trusts
the counts of that moment rather than the tables' sizes on disk. Nor does anything reclaim the
dead row versions every update and delete leaves: in the 10,000-application soak of 2026-12-06
(analyzed, never vacuumed) an LSP's ``status_reports`` reached 507 MB for 20,190 rows after
4,000 applications, and PostgreSQL's CPU per application rose from 127 to 163 ms over the first
eight rounds. Production runs autovacuum (which analyzes a table once a tenth of it has changed,
and vacuums it once a fifth has, looking at each database once a minute); the bench stands in
for it with an ``ANALYZE`` of each service's database every few seconds while the chain runs,
and in a soak a ``VACUUM (ANALYZE)`` in its place once a minute. A short run (a few minutes,
little to reclaim) does not vacuum: a vacuum falling in one of its few-second load phases would
take the cores from the services and skew that phase's ratio to its floor.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TextIO

import asyncpg

from scripts.simulator.chains import RunningChain
from shared.database import autovacuum_off, create_engine


def _dsns(running: RunningChain) -> dict[str, str]:
    if running.processes is None:
        return {}
    services = dict.fromkeys(name.split("#")[0] for name in running.pids)  # a replica shares its service's database
    return {name: running.processes.database_url(name).replace("postgresql+asyncpg://", "postgresql://")
            for name in services}


async def rows_read_by_full_scans(running: RunningChain) -> dict[str, int]:
    """Rows each service's database has read by sequential scans so far (pg_stat_user_tables,
    which PostgreSQL brings up to date within about a second)."""
    out: dict[str, int] = {}
    for name, dsn in _dsns(running).items():
        conn = await asyncpg.connect(dsn)
        try:
            out[name] = int(await conn.fetchval("SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables"))
        finally:
            await conn.close()
    return out


@asynccontextmanager
async def stand_in_for_autovacuum(running: RunningChain, out: TextIO, every: float = 10.0,
                                  vacuum_every: float | None = None) -> AsyncIterator[bool]:
    """While the block runs, if the server runs without autovacuum, ``ANALYZE`` every service's
    database each ``every`` seconds, and (with ``vacuum_every``) ``VACUUM (ANALYZE)`` instead once
    ``vacuum_every`` seconds have passed since the last; yields whether it does."""
    dsns = list(_dsns(running).values())
    if not dsns or await _autovacuum_on(dsns[0]):
        yield False
        return
    doing = "vacuums and analyzes" if vacuum_every is not None else "analyzes"
    print(f"the server runs without autovacuum: the bench {doing} the services' databases in its stead",
          file=out, flush=True)

    async def analyze_all() -> None:
        loop = asyncio.get_running_loop()
        vacuumed = loop.time()
        while True:
            vacuum = vacuum_every is not None and loop.time() - vacuumed >= vacuum_every
            for dsn in dsns:
                conn = await asyncpg.connect(dsn)
                try:
                    await conn.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
                finally:
                    await conn.close()
            if vacuum:
                vacuumed = loop.time()
            await asyncio.sleep(every)

    task = asyncio.create_task(analyze_all())
    try:
        yield True
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _autovacuum_on(dsn: str) -> bool:
    engine = create_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        return not await autovacuum_off(engine)  # the services' own check (shared/database.py)
    finally:
        await engine.dispose()
