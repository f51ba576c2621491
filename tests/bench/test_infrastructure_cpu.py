"""The servers' CPU beside the services' (scripts/bench/chain.py): read from /proc by the
processes' names, the CPU of backends that exited included, and per application over the run."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from scripts.bench.chain import _infrastructure_per_application, infrastructure_cpu

_BUSY = "SELECT count(*) FROM generate_series(1, 3000000) AS g(x) WHERE x % 7 = 3"  # about 0.5 s of a backend


@pytest.mark.postgres
async def test_a_busy_postgresql_backend_shows_in_the_servers_cpu(pg_url: str) -> None:
    before = infrastructure_cpu()
    assert before["PostgreSQL"] > 0, "no postgres process found"
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(_BUSY)
        after = infrastructure_cpu()
    finally:
        await conn.close()
    per_application = _infrastructure_per_application(before, after, 1)
    assert per_application["PostgreSQL"] is not None and per_application["PostgreSQL"] >= 100


@pytest.mark.postgres
async def test_a_backend_that_exits_before_the_reading_keeps_its_share(pg_url: str) -> None:
    """What a pool recycling its connections does mid-run: the backend's CPU is then in the
    postmaster's count of its reaped children, not lost with the process."""
    before = infrastructure_cpu()
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(_BUSY)
    finally:
        await conn.close()
    deadline = asyncio.get_running_loop().time() + 5
    while True:  # the postmaster reaps the backend a moment after it exits
        per_application = _infrastructure_per_application(before, infrastructure_cpu(), 1)
        if (per_application["PostgreSQL"] or 0) >= 100 or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.05)
    assert per_application["PostgreSQL"] is not None and per_application["PostgreSQL"] >= 100


def test_per_application_and_a_restarted_server_unjudged() -> None:
    before = {"PostgreSQL": 10.0, "RabbitMQ": 7.0}
    after = {"PostgreSQL": 10.75, "RabbitMQ": 7.5}
    assert _infrastructure_per_application(before, after, 5) == {"PostgreSQL": 150.0, "RabbitMQ": 100.0}
    assert _infrastructure_per_application(before, after, 0) == {"PostgreSQL": None, "RabbitMQ": None}
    # A server restarted between the readings counts from zero again: not a negative CPU.
    assert _infrastructure_per_application(before, {"PostgreSQL": 2.0, "RabbitMQ": 7.5}, 5) == {
        "PostgreSQL": None, "RabbitMQ": 100.0}
