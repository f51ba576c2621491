"""The servers' CPU beside the services' (scripts/bench/chain.py): read per process from /proc,
by the processes' names, and per application over the run."""

from __future__ import annotations

import asyncpg
import pytest

from scripts.bench.chain import _infrastructure_per_application, infrastructure_cpu


@pytest.mark.postgres
async def test_a_busy_postgresql_backend_shows_in_the_servers_cpu(pg_url: str) -> None:
    before = infrastructure_cpu()
    assert before["PostgreSQL"], "no postgres process found"
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        # About half a second of the backend's CPU, none of this process's; read while the
        # backend still runs (a process that exits takes its share with it).
        await conn.execute("SELECT count(*) FROM generate_series(1, 3000000) AS g(x) WHERE x % 7 = 3")
        after = infrastructure_cpu()
    finally:
        await conn.close()
    per_application = _infrastructure_per_application(before, after, 1)
    assert per_application["PostgreSQL"] is not None and per_application["PostgreSQL"] >= 100


def test_a_new_process_counts_from_zero_and_an_exited_one_is_left_out() -> None:
    before = {"PostgreSQL": {10: 1.0, 11: 5.0}, "RabbitMQ": {20: 7.0}}
    after = {"PostgreSQL": {10: 1.5, 12: 0.25}, "RabbitMQ": {20: 7.5}}
    assert _infrastructure_per_application(before, after, 5) == {"PostgreSQL": 150.0, "RabbitMQ": 100.0}
    assert _infrastructure_per_application(before, after, 0) == {"PostgreSQL": None, "RabbitMQ": None}
