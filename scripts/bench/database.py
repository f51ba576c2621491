"""What the bench reads from and does to the services' PostgreSQL databases.

``rows_read_by_full_scans``: per service, the rows its database has read by sequential scans so
far; per application it stays flat over a soak's rounds unless a query reads a whole table that
grows with them.

``stand_in_for_autovacuum``: a server run with ``autovacuum = off`` (this CI machine's PostgreSQL
is) never gathers statistics on the services' new tables, and PostgreSQL replans a prepared
statement only when its tables' statistics change: a generic plan made while a table was nearly
empty (a sequential scan, the cheapest then) is kept by that connection for its whole life and
reads the ever larger table on every run. Analyzing once is no better: the planner then trusts the
counts of that moment rather than the tables' sizes on disk. Nor does anything reclaim the dead
row versions every update and delete leaves: in the 10,000-application soak of 2026-12-06
(analyzed, never vacuumed) an LSP's ``status_reports`` reached 507 MB for 20,190 rows after 4,000
applications, and PostgreSQL's CPU per application rose from 127 to 163 ms over the first eight
rounds (part of it the analyses below). Production runs autovacuum: once a minute it looks at each
database and analyzes a table once a tenth of its rows have changed since the last analysis, and
vacuums it once a fifth are dead row versions (or, for tables mostly inserted into, once a fifth
more rows have come), so a table is read again less and less often as it grows, and at a throttled
pace. The bench stands in for it with those same rules (the server's own thresholds and pacing,
read from ``pg_settings``): every few seconds the tables autovacuum would analyze are analyzed
and, in a soak, once a minute those it would vacuum are vacuumed. Until 2026-12-06 it ran
``ANALYZE`` on every table of every database every 10 s (and in a soak a ``VACUUM`` of every table
once a minute) whatever had changed: a pass then cost PostgreSQL 1.6 s of CPU after 1,500
applications of a soak, more with every round (an analysis samples up to 30,000 rows of each
table), which the bench counted as PostgreSQL's CPU per application (139 -> 197 ms over the first
three rounds) and which took the two cores from the services. A short run (a few minutes, little
to reclaim) does not vacuum: a vacuum falling in one of its few-second load phases would take the
cores from the services and skew that phase's ratio to its floor.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class TableActivity:
    name: str  # as ``regclass`` prints it: quoted where it must be
    reltuples: float
    changed_since_analyze: int
    dead: int
    inserted_since_vacuum: int


@dataclass(frozen=True)
class AutovacuumRules:
    """The server's own autovacuum thresholds (``pg_settings``): a table is analyzed once more
    than ``analyze_threshold + analyze_scale * reltuples`` of its rows have changed since its
    last analysis, and vacuumed once it holds more than ``vacuum_threshold + vacuum_scale *
    reltuples`` dead row versions or has had more than ``insert_threshold + insert_scale *
    reltuples`` rows inserted since its last vacuum."""

    analyze_threshold: float = 50
    analyze_scale: float = 0.1
    vacuum_threshold: float = 50
    vacuum_scale: float = 0.2
    insert_threshold: float = 1000
    insert_scale: float = 0.2

    def command(self, table: TableActivity, *, may_vacuum: bool) -> str | None:
        """What autovacuum would run on ``table`` now (``VACUUM`` only when ``may_vacuum``), or None."""
        tuples = max(table.reltuples, 0.0)  # -1: never analyzed nor vacuumed
        analyze = table.changed_since_analyze > self.analyze_threshold + self.analyze_scale * tuples
        vacuum = may_vacuum and (table.dead > self.vacuum_threshold + self.vacuum_scale * tuples
                                 or table.inserted_since_vacuum > self.insert_threshold + self.insert_scale * tuples)
        if vacuum:
            return "VACUUM (ANALYZE)" if analyze else "VACUUM"
        return "ANALYZE" if analyze else None


_RULES = {"autovacuum_analyze_threshold": "analyze_threshold", "autovacuum_analyze_scale_factor": "analyze_scale",
          "autovacuum_vacuum_threshold": "vacuum_threshold", "autovacuum_vacuum_scale_factor": "vacuum_scale",
          "autovacuum_vacuum_insert_threshold": "insert_threshold",
          "autovacuum_vacuum_insert_scale_factor": "insert_scale"}


async def _server_rules(conn: asyncpg.Connection) -> AutovacuumRules:
    rows = await conn.fetch("SELECT name, setting FROM pg_settings WHERE name = any($1::text[])", list(_RULES))
    return AutovacuumRules(**{_RULES[r["name"]]: float(r["setting"]) for r in rows})


async def _throttle_like_autovacuum(conn: asyncpg.Connection) -> None:
    """Autovacuum's workers sleep between batches of pages (``autovacuum_vacuum_cost_delay``, 2 ms
    by default) where a manual VACUUM or ANALYZE does not: give this session their pacing."""
    delay = await conn.fetchval("SELECT current_setting('autovacuum_vacuum_cost_delay')")
    limit = int(await conn.fetchval("SELECT current_setting('autovacuum_vacuum_cost_limit')"))
    await conn.execute(f"SET vacuum_cost_delay = '{delay}'")
    if limit > 0:
        await conn.execute(f"SET vacuum_cost_limit = {limit}")


async def _tables(conn: asyncpg.Connection) -> list[TableActivity]:
    rows = await conn.fetch(
        "SELECT s.relid::regclass::text AS name, c.reltuples, s.n_mod_since_analyze, s.n_dead_tup,"
        " s.n_ins_since_vacuum FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid")
    return [TableActivity(r["name"], float(r["reltuples"]), int(r["n_mod_since_analyze"]), int(r["n_dead_tup"]),
                          int(r["n_ins_since_vacuum"])) for r in rows]


async def tend(conn: asyncpg.Connection, rules: AutovacuumRules, *, may_vacuum: bool) -> list[str]:
    """One autovacuum pass over the database of ``conn``: each table that autovacuum would analyze
    or vacuum now, analyzed or vacuumed; returns the commands run."""
    ran = []
    for table in await _tables(conn):
        command = rules.command(table, may_vacuum=may_vacuum)
        if command is not None:
            await conn.execute(f"{command} {table.name}")
            ran.append(f"{command} {table.name}")
    return ran


@asynccontextmanager
async def stand_in_for_autovacuum(running: RunningChain, out: TextIO, every: float = 10.0,
                                  vacuum_every: float | None = None) -> AsyncIterator[bool]:
    """While the block runs, if the server runs without autovacuum, do in every service's database
    what autovacuum would: each ``every`` seconds analyze the tables autovacuum would analyze, and
    (with ``vacuum_every``) once ``vacuum_every`` seconds have passed since the last such pass,
    vacuum those it would vacuum too; yields whether it does."""
    dsns = list(_dsns(running).values())
    if not dsns or await _autovacuum_on(dsns[0]):
        yield False
        return
    doing = "vacuums and analyzes" if vacuum_every is not None else "analyzes"
    print(f"the server runs without autovacuum: the bench {doing} the services' tables by autovacuum's "
          "rules in its stead", file=out, flush=True)

    async def tend_all(conns: list[asyncpg.Connection]) -> None:
        loop = asyncio.get_running_loop()
        rules = await _server_rules(conns[0])
        vacuumed = loop.time()
        while True:
            may_vacuum = vacuum_every is not None and loop.time() - vacuumed >= vacuum_every
            for conn in conns:
                await tend(conn, rules, may_vacuum=may_vacuum)
            if may_vacuum:
                vacuumed = loop.time()
            await asyncio.sleep(every)

    async with contextlib.AsyncExitStack() as stack:
        conns = []
        for dsn in dsns:
            conn = await asyncpg.connect(dsn)
            stack.push_async_callback(conn.close)
            await _throttle_like_autovacuum(conn)
            conns.append(conn)
        task = asyncio.create_task(tend_all(conns))
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
