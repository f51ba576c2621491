"""The database's own floor: the CPU one transaction costs the process that sends it, through the
driver alone and through the services' data layer, measured in the same run as the chain.

Every request and event of the chain pays its database round trips (about 540 per application),
and the profiles put asyncpg and SQLAlchemy at 40-55 % of each service's CPU. This floor says
how much of that is the round trips themselves and how much the layer above the driver: one
connection, one transaction at a time (``BEGIN``, a select by primary key, an update by primary
key, ``COMMIT``: four round trips), timed by the process's own CPU clock (user and system):

- ``asyncpg``: a pool of one, ``transaction()``, ``fetchrow`` and ``execute`` (what a service
  could do with no layer at all);
- ``services``: the same transaction through the services' engine and session factory
  (``shared.database.create_engine`` / ``make_session_factory``), as their handlers write it:
  an ORM session, ``session.begin()``, Core statements;
- ``direct``: the same session, its two statements sent as the services' hottest are
  (``shared.direct_sql.first_row_in`` / ``all_rows_in``: compiled by SQLAlchemy, sent on the
  driver's connection).

``python -m scripts.bench.db_floor --database-url postgresql://... [--transactions N]`` prints the
figures as JSON; the bench runs it as its own process on a database of its own.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from typing import Any

from scripts.bench.clock import process_cpu_seconds

ROUND_TRIPS = 4  # BEGIN, SELECT, UPDATE, COMMIT
ROWS = 100
WARM_UP = 200


async def _cpu_us_per_call(call: Callable[[int], Awaitable[None]], transactions: int) -> float:
    for i in range(WARM_UP):  # statements prepared, pools filled, caches warm
        await call(i)
    start = process_cpu_seconds()
    for i in range(transactions):
        await call(i)
    return (process_cpu_seconds() - start) / transactions * 1e6


async def _through_asyncpg(url: str, transactions: int) -> float:
    import asyncpg

    pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        async def one(i: int) -> None:
            async with pool.acquire() as conn, conn.transaction():
                await conn.fetchrow("SELECT id, name, status FROM bench_db_floor WHERE id = $1", i % ROWS)
                await conn.execute("UPDATE bench_db_floor SET status = $2 WHERE id = $1", i % ROWS, f"a{i % 7}")

        return await _cpu_us_per_call(one, transactions)
    finally:
        await pool.close()


async def _through_services_layer(url: str, transactions: int, *, direct: bool = False) -> float:
    import sqlalchemy as sa

    from shared.database import create_engine, make_session_factory
    from shared.direct_sql import all_rows_in, first_row_in

    table = sa.Table("bench_db_floor", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("name", sa.String(40)), sa.Column("status", sa.String(20)))
    read = sa.select(table).where(table.c.id == sa.bindparam("i"))
    write = sa.update(table).where(table.c.id == sa.bindparam("i")).values(status=sa.bindparam("s"))
    engine = create_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=1)
    sessions = make_session_factory(engine)
    try:
        async def one(i: int) -> None:
            async with sessions() as s, s.begin():
                if direct:
                    await first_row_in(s, read, {"i": i % ROWS})
                    await all_rows_in(s, write, {"i": i % ROWS, "s": f"d{i % 7}"})
                else:
                    (await s.execute(read, {"i": i % ROWS})).first()
                    await s.execute(write, {"i": i % ROWS, "s": f"s{i % 7}"})

        return await _cpu_us_per_call(one, transactions)
    finally:
        await engine.dispose()


async def _through_direct_statements(url: str, transactions: int) -> float:
    return await _through_services_layer(url, transactions, direct=True)


async def measure(url: str, transactions: int = 3000) -> dict[str, Any]:
    """CPU µs per transaction and per round trip of each way; ``url`` names a database the floor
    may write a table of its own to (``postgresql://`` or SQLAlchemy's ``postgresql+asyncpg://``)."""
    import asyncpg

    url = url.replace("postgresql+asyncpg://", "postgresql://", 1)

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_db_floor")
        await conn.execute("CREATE TABLE bench_db_floor (id integer PRIMARY KEY, name varchar(40), status varchar(20))")
        await conn.executemany("INSERT INTO bench_db_floor VALUES ($1, $2, 'new')",
                               [(i, f"row-{i}") for i in range(ROWS)])
    finally:
        await conn.close()
    result: dict[str, Any] = {"transactions": transactions, "round_trips_per_transaction": ROUND_TRIPS}
    for name, way in (("asyncpg", _through_asyncpg), ("services", _through_services_layer),
                      ("direct", _through_direct_statements)):
        per_tx = await way(url, transactions)
        result[name] = {"cpu_us_per_transaction": round(per_tx, 1),
                        "cpu_us_per_round_trip": round(per_tx / ROUND_TRIPS, 1)}
    for name in ("services", "direct"):
        result[f"{name}_over_asyncpg"] = round(result[name]["cpu_us_per_transaction"]
                                               / result["asyncpg"]["cpu_us_per_transaction"], 2)
    return result


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.db_floor", description=__doc__)
    p.add_argument("--database-url", required=True, help="a postgresql:// URL")
    p.add_argument("--transactions", type=int, default=3000)
    args = p.parse_args()
    import uvloop  # as the services run

    print(json.dumps(uvloop.run(measure(args.database_url, args.transactions))))


if __name__ == "__main__":
    main()
