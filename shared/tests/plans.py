"""Whether the statements a piece of code runs can be answered from indexes once their prepared
statements' plans are generic.

asyncpg prepares every statement; after five runs PostgreSQL may keep one generic plan for it,
made without the parameters' values. A partial index whose condition the query states only
through a parameter (``status <> $1``) is then out of reach, and a column with no index at all
is read whole in any plan: either way the lookup reads the whole table on every call, a cost
that grows with the register and that no test of a small table notices.

``statements_of`` records what the code under test sends; ``full_scans`` plans each statement
again as a generic plan with sequential scans disabled (so that any usable index is taken) and
names the tables still read whole. What it does not flag: an index read from end to end (an
index scan with no condition), which is what a page (``ORDER BY ... LIMIT``) rightly does and
what a lookup on an index's second column would wrongly do; and counting every row (a list's
total), which no index avoids.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_PARAMETER = re.compile(r"\$(\d+)")
_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
_PLANNED = ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")


@asynccontextmanager
async def statements_of(engine: AsyncEngine) -> AsyncIterator[list[str]]:
    """The SQL sent through ``engine`` while the block runs (the services' background loops'
    included), each once, in the order first sent."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement not in sent:
            sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def full_scans(engine: AsyncEngine, statements: Iterable[str], tables: Iterable[str]) -> dict[str, list[str]]:
    """For each of ``statements`` (PostgreSQL, asyncpg's ``$n`` parameters) whose generic plan
    reads one of ``tables`` whole even with sequential scans disabled, those tables."""
    watched, found = set(tables), {}
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
        try:
            for n, sql in enumerate(statements):
                if not sql.lstrip().upper().startswith(_PLANNED):
                    continue
                arity = max((int(p) for p in _PARAMETER.findall(sql)), default=0)
                await raw.execute(f"PREPARE plan_probe_{n} AS {sql}")  # the simple protocol: $n stay the statement's
                arguments = f"({', '.join(['NULL'] * arity)})" if arity else ""
                plan = "\n".join(r[0] for r in await raw.fetch(f"EXPLAIN EXECUTE plan_probe_{n}{arguments}"))
                await raw.execute(f"DEALLOCATE plan_probe_{n}")
                scanned = sorted(set(_SEQ_SCAN.findall(plan)) & watched)
                if scanned:
                    found[sql] = scanned
        finally:
            await raw.execute("RESET plan_cache_mode; RESET enable_seqscan")
    return found


def described(found: dict[str, list[str]]) -> str:
    """``full_scans``' answer, for an assertion's message: each statement's tables and its WHERE."""
    return "\n".join(f"{', '.join(tables)}: {'...' + sql[sql.find('WHERE'):] if 'WHERE' in sql else sql}"[:500]
                     for sql, tables in found.items())
