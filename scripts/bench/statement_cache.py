"""What building a step statement costs: SIKI's step statement (the application's UPDATE with its
timeline rows and outbox events as CTEs, ``execute_with``) in three forms, in its transaction on
PostgreSQL, in alternating blocks so that the machine's drift falls on both sides alike:

- ``kept``: as the services send it, built once per shape and kept, the values as bind
  parameters (``shared.staged_rows.Shaped``): nothing built per step, the cache key memoised;
- ``literal_rows``: the form it replaced (2026-12-07), built per step with the values as
  literals (one SELECT per row joined by UNION ALL): cached by SQLAlchemy, but built and its
  cache key walked on every step;
- ``multi_row_values``: the form before that, a multi-row ``VALUES``: no cache key, compiled
  on every use.

``python -m scripts.bench.statement_cache [--blocks 6] [--per-block 150]``: CPU ms per step, the
trimmed mean over the blocks, for one and for two rows per insert.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Insert, Table, bindparam, insert, literal, select, text, union_all, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from scripts.bench.clock import process_cpu_seconds, trimmed_mean
from scripts.bench.floors import drop_database, temp_database
from scripts.simulator.chains import POSTGRES_URL
from services.siki.db.common import APPLICATIONS, OUTBOX, TIMELINE
from services.siki.db.models import Base
from services.siki.settings import SikiSettings
from shared.crypto import DataKeys, attach_data_keys
from shared.staged_rows import Shaped, execute_with, rows_insert

Build = Callable[[Table, Sequence[dict[str, Any]]], Insert | Shaped]
_KEPT_UPDATE = (update(APPLICATIONS).where(APPLICATIONS.c.id == bindparam("key"))
                .values(status=bindparam("set_status"), last_seq=bindparam("set_last_seq"),
                        updated_at=bindparam("set_updated_at")))


def multi_row_values(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
    """The first form: no cache key."""
    return insert(table).values(list(rows))


def literal_rows(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
    """The second form: a SELECT of literals per row, built per call (the rows here set every
    column that has a default)."""
    if len(rows) == 1:
        return insert(table).values(rows[0])
    keys = list(rows[0])
    return insert(table).from_select(keys, union_all(*(
        select(*(literal(row[k], table.c[k].type).label(k) for k in keys)) for row in rows)))


async def _step(engine: AsyncEngine, build: Build, n: int, rows: int) -> None:
    now = datetime.now(UTC)
    entries: list[dict[str, Any]] = [
        {"application_id": "bench", "seq": n * 10 + k, "status": "accepted", "previous_status": None, "at": now,
         "actor": "LSP-A", "note": None, "reasons": []} for k in range(rows)]
    events = [{"event_id": str(uuid.uuid4()), "type": "application.status_changed", "version": 1, "occurred_at": now,
               "correlation_id": "bench", "application_id": "bench", "source": "siki", "payload": {"n": n},
               "publish_attempts": 0} for _ in range(rows)]
    also = [build(TIMELINE, entries), build(OUTBOX, events)]
    async with AsyncSession(engine) as s, s.begin():
        if build is rows_insert:
            await execute_with(s, Shaped(_KEPT_UPDATE, {"key": "bench", "set_status": "accepted", "set_last_seq": n,
                                                        "set_updated_at": now}), also)
        else:
            await execute_with(s, update(APPLICATIONS).where(APPLICATIONS.c.id == "bench")
                               .values(status="accepted", last_seq=n, updated_at=now), also)


async def measure(*, blocks: int, per_block: int, admin_url: str = POSTGRES_URL) -> dict[str, float]:
    name, url = await temp_database(admin_url)
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    attach_data_keys(engine, DataKeys.from_settings(SikiSettings()))  # SIKI's outbox is sealed, as in SIKI
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            # The steps update no application: the timeline's rows need none to point at.
            await conn.execute(text("ALTER TABLE timeline DROP CONSTRAINT fk_timeline_application_id_applications"))
        sides: dict[str, Build] = {"kept": rows_insert, "literal_rows": literal_rows,
                                   "multi_row_values": multi_row_values}
        spent: dict[str, list[float]] = {f"{side} {rows} row(s)": [] for side in sides for rows in (1, 2)}
        n = 0
        for _ in range(blocks):
            for side, build in sides.items():
                for rows in (1, 2):
                    start = process_cpu_seconds()
                    for _ in range(per_block):
                        n += 1
                        await _step(engine, build, n, rows)
                    spent[f"{side} {rows} row(s)"].append((process_cpu_seconds() - start) / per_block * 1000)
        return {k: round(trimmed_mean(v), 3) for k, v in spent.items()}
    finally:
        await engine.dispose()
        await drop_database(admin_url, name)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.statement_cache", description=__doc__)
    p.add_argument("--blocks", type=int, default=6)
    p.add_argument("--per-block", type=int, default=150)
    args = p.parse_args()
    print(json.dumps(asyncio.run(measure(blocks=args.blocks, per_block=args.per_block)), indent=1))


if __name__ == "__main__":
    main()
