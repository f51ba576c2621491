"""The whole chain as processes (two LSPs) against the real RabbitMQ and PostgreSQL, with a
real SMTP sink, started once for the session; tests drive it only through the public APIs."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from scripts.chain_processes import DEFAULT_PORTS
from scripts.simulator.chains import RunningChain, delete_bus_topology, new_processes
from scripts.simulator.journeys import AssessmentDays, Chain
from scripts.simulator.mailbox import MemoryMailbox


@pytest.fixture(scope="session")
def running_chain(amqp_url: str, postgres_admin_url: str) -> Iterator[RunningChain]:
    # Not under pytest's basetemp: other pytest runs on the machine prune that, and the logs
    # are what one reads after a failure.
    log_dir = Path(os.environ.get("SKK_CHAIN_LOG_DIR") or tempfile.mkdtemp(prefix="skk-chain-logs-"))
    print(f"whole-chain service logs: {log_dir}")
    mailbox = MemoryMailbox().start()
    procs = new_processes(log_dir, mailbox.url)
    procs.postgres_admin_url = postgres_admin_url
    procs.amqp_url = amqp_url
    try:
        asyncio.run(procs.start(timeout=120))
        yield RunningChain(mode="services", urls={n: procs.url(n) for n in DEFAULT_PORTS}, mailbox=mailbox,
                           log_files=[log_dir / f"{n}.log" for n in DEFAULT_PORTS],
                           pids={n: p.pid for n, p in procs.procs.items()}, processes=procs)
    finally:
        procs.stop()
        asyncio.run(procs.drop_databases())
        asyncio.run(delete_bus_topology(procs.amqp_url, procs.exchange))
        procs.remove_broker_users()  # one broker user per service, made for this chain
        mailbox.stop()


@pytest.fixture
async def chain(running_chain: RunningChain) -> AsyncIterator[Chain]:
    """The chain's clients for one test (its own HTTP client, in the test's event loop)."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0)) as http:
        c = Chain(http=http, portal_url=running_chain.urls["portal"], siki_url=running_chain.urls["siki"],
                  lpjk_url=running_chain.urls["lpjk"], lsp_urls=running_chain.lsp_urls,
                  mailbox=running_chain.mailbox, step_timeout=60.0, days=AssessmentDays(),
                  poll_max_delay=0.3)
        yield c
