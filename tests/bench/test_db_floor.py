"""The database floor (scripts/bench/db_floor.py) runs both ways' transactions for real, and the
report says what the chain's round trips cost at it."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from scripts.bench.db_floor import ROUND_TRIPS, ROWS, measure
from scripts.bench.report import LOAD_GENERATOR, db_floor_lines

pytestmark = pytest.mark.postgres


async def test_both_ways_commit_their_transactions_and_are_timed(pg_url: str) -> None:
    found = await measure(pg_url, transactions=60)
    assert found["round_trips_per_transaction"] == ROUND_TRIPS == 4
    for way in ("asyncpg", "direct", "services"):
        per_tx = found[way]["cpu_us_per_transaction"]
        assert per_tx > 0
        assert found[way]["cpu_us_per_round_trip"] == pytest.approx(per_tx / ROUND_TRIPS, abs=0.1)
    for way in ("direct", "services"):
        assert found[f"{way}_over_asyncpg"] == pytest.approx(
            found[way]["cpu_us_per_transaction"] / found["asyncpg"]["cpu_us_per_transaction"], abs=0.01)
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        statuses = {r["status"] for r in await conn.fetch("SELECT status FROM bench_db_floor")}
        count = await conn.fetchval("SELECT count(*) FROM bench_db_floor")
    finally:
        await conn.close()
    # Every row was updated and committed (the direct statements ran last: their marks remain).
    assert count == ROWS and statuses and all(s.startswith("d") for s in statuses)


def _results(work: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "db_floor": {"asyncpg": {"cpu_us_per_transaction": 200.0, "cpu_us_per_round_trip": 50.0},
                     "services": {"cpu_us_per_transaction": 600.0, "cpu_us_per_round_trip": 150.0},
                     "direct": {"cpu_us_per_transaction": 360.0, "cpu_us_per_round_trip": 90.0},
                     "services_over_asyncpg": 3.0, "direct_over_asyncpg": 1.8},
        "chain": {"full_load": {"cpu_ms_per_application": {"portal": 150.0, "siki": 150.0, LOAD_GENERATOR: 90.0},
                                "work_per_application": work or {}}},
    }


def test_the_report_prices_the_chains_round_trips_at_the_floor() -> None:
    work = {"portal": {"db_round_trips_per_application": 300.0}, "siki": {"db_round_trips_per_application": 100.0}}
    measured, explained = db_floor_lines(_results(work))
    assert measured is not None and "asyncpg 200.0 us per transaction (50.0 per round trip)" in measured
    assert "3.0 x" in measured
    assert "its statements sent directly (shared/direct_sql.py) 360.0 (90.0), 1.8 x" in measured
    # 400 round trips: 20 ms at 50 us, 60 ms at 150 us, of 300 ms (the load generator left out).
    assert explained == ("    the chain's 400.0 round trips per application at the database floor: 20.0 ms through "
                         "asyncpg alone, 60.0 ms through the services' data layer (of 300.0 ms, all services)")


def test_without_the_floor_or_the_counts_the_report_says_nothing_it_cannot() -> None:
    assert db_floor_lines({"chain": {}}) == (None, None)
    measured, explained = db_floor_lines(_results(None))
    assert measured is not None and explained is None
