"""Whether the statements a piece of code runs can be answered from indexes once their prepared
statements' plans are generic.

asyncpg prepares every statement; after five runs PostgreSQL may keep one generic plan for it,
made without the parameters' values. A partial index whose condition the query states only
through a parameter (``status <> $1``) is then out of reach, and a column with no index at all
is read whole in any plan: either way the lookup reads the whole table on every call, a cost
that grows with the register and that no test of a small table notices.

``statements_of`` records what the code under test sends; ``full_scans`` plans each statement
again as a generic plan with sequential scans disabled (so that any usable index is taken) and
names the tables still read whole; ``whole_index_reads`` names those read whole through an index
instead, in its order and with no condition on it (the primary key's, for a filter no index
serves): a page (``ORDER BY ... LIMIT``) rightly does that, so it suits the services whose lists
are all per owner. Neither flags counting every row (a list's total), which no index avoids, nor
an index whose condition picks out a large share of the table (an assessor's bookings, with an
LSP's few assessors): the plans are made on a test's nearly empty tables; the soak's rows read by
full scans per application (scripts/bench/database.py) is where those show.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_PARAMETER = re.compile(r"\$(\d+)")
_PLANNED = ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")
_INDEX_READS = ("Index Scan", "Index Only Scan")


@asynccontextmanager
async def statements_of(engine: AsyncEngine, *, each_once: bool = True) -> AsyncIterator[list[str]]:
    """The SQL sent through ``engine`` while the block runs (the services' background loops'
    included), in the order first sent: each once, or (``each_once=False``) as often as sent."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not each_once or statement not in sent:
            sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def full_scans(engine: AsyncEngine, statements: Iterable[str], tables: Iterable[str]) -> dict[str, list[str]]:
    """For each of ``statements`` (PostgreSQL, asyncpg's ``$n`` parameters) whose generic plan
    reads one of ``tables`` whole even with sequential scans disabled, those tables."""
    watched = set(tables)
    return await _found(engine, statements, lambda node, _: node["Node Type"] == "Seq Scan"
                        and node["Relation Name"] in watched)


async def whole_index_reads(engine: AsyncEngine, statements: Iterable[str],
                            tables: Iterable[str]) -> dict[str, list[str]]:
    """For each of ``statements`` whose generic plan reads one of ``tables`` whole through an
    index with no condition on it (a partial index's own condition excepted), those tables."""
    watched = set(tables)
    return await _found(engine, statements, lambda node, partial: node["Node Type"] in _INDEX_READS
                        and "Index Cond" not in node and node["Index Name"] not in partial
                        and node["Relation Name"] in watched)


async def _found(engine: AsyncEngine, statements: Iterable[str], flagged: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        partial = {r[0] for r in await raw.fetch(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indpred IS NOT NULL")}
        await raw.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
        try:
            for n, sql in enumerate(statements):
                if not sql.lstrip().upper().startswith(_PLANNED):
                    continue
                arity = max((int(p) for p in _PARAMETER.findall(sql)), default=0)
                await raw.execute(f"PREPARE plan_probe_{n} AS {sql}")  # the simple protocol: $n stay the statement's
                arguments = f"({', '.join(['NULL'] * arity)})" if arity else ""
                plan = await raw.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE plan_probe_{n}{arguments}")
                await raw.execute(f"DEALLOCATE plan_probe_{n}")
                plan = json.loads(plan) if isinstance(plan, str) else plan
                read = sorted({node["Relation Name"] for node in _nodes(plan[0]["Plan"]) if flagged(node, partial)})
                if read:
                    found[sql] = read
        finally:
            await raw.execute("RESET plan_cache_mode; RESET enable_seqscan")
    return found


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def described(found: dict[str, list[str]]) -> str:
    """``full_scans``' answer, for an assertion's message: each statement's tables and its WHERE."""
    return "\n".join(f"{', '.join(tables)}: {'...' + sql[sql.find('WHERE'):] if 'WHERE' in sql else sql}"[:500]
                     for sql, tables in found.items())
