"""What the bench reads from and does to the services' PostgreSQL databases.

``rows_read_by_full_scans``: per service, the rows its database has read by sequential scans so
far; per application it stays flat over a soak's rounds unless a query reads a whole table that
grows with them.

``stand_in_for_autovacuum``: a server run with ``autovacuum = off`` (this CI machine's PostgreSQL
is) never gathers statistics on the services' new tables, and PostgreSQL replans a prepared
statement only when its tables' statistics change: a generic plan made while a table was nearly
empty (a sequential scan, the cheapest then) is kept by that connection for its whole life and
reads the ever larger table on every run. Production runs autovacuum; the bench stands in for it
with an ``ANALYZE`` of each service's database after the warm-up and after each soak round.
"""

from __future__ import annotations

from typing import TextIO

import asyncpg

from scripts.simulator.chains import RunningChain


def _dsns(running: RunningChain) -> dict[str, str]:
    if running.processes is None:
        return {}
    return {name: running.processes.database_url(name).replace("postgresql+asyncpg://", "postgresql://")
            for name in running.pids}


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


async def stand_in_for_autovacuum(running: RunningChain, out: TextIO) -> bool:
    """``ANALYZE`` every service's database if the server runs without autovacuum; whether it did."""
    analyzed = False
    for dsn in _dsns(running).values():
        conn = await asyncpg.connect(dsn)
        try:
            if await conn.fetchval("SHOW autovacuum") == "off":
                await conn.execute("ANALYZE")
                analyzed = True
        finally:
            await conn.close()
    if analyzed:
        print("  the server runs without autovacuum: the services' databases analyzed in its stead",
              file=out, flush=True)
    return analyzed
