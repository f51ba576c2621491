"""The whole chain as processes against the real RabbitMQ and PostgreSQL, with a real SMTP sink
(:class:`MemoryMailbox`): started by the session fixtures ``running_chain`` of tests/chain and
tests/browser (each its own chain, so that one's traffic never shows in the other's logs), and
the simulator's clients of it for one test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx

from scripts.chain_processes import DEFAULT_PORTS
from scripts.simulator.chains import REPLICAS, RunningChain, delete_bus_topology, new_processes
from scripts.simulator.journeys import AssessmentDays, Chain
from scripts.simulator.mailbox import MemoryMailbox


@contextlib.contextmanager
def started_chain(amqp_url: str, postgres_admin_url: str, log_dir: Path | None = None,
                  *, log_prefix: str = "skk-chain-logs-") -> Iterator[RunningChain]:
    """Every service its own process (two of SIKI, the portal and LSP-A: ``REPLICAS``), fresh
    databases and exchange, removed afterwards."""
    # Not under pytest's basetemp: other pytest runs on the machine prune that, and the logs
    # are what one reads after a failure.
    log_dir = log_dir or Path(os.environ.get("SKK_CHAIN_LOG_DIR") or tempfile.mkdtemp(prefix=log_prefix))
    print(f"whole-chain service logs: {log_dir}")
    mailbox = MemoryMailbox().start()
    procs = new_processes(log_dir, mailbox.url, replicas=REPLICAS)
    procs.postgres_admin_url = postgres_admin_url
    procs.amqp_url = amqp_url
    try:
        asyncio.run(procs.start(timeout=120))
        yield RunningChain(mode="services", urls={n: procs.url(n) for n in DEFAULT_PORTS}, mailbox=mailbox,
                           log_files=procs.log_files,
                           pids={n: p.pid for n, p in procs.procs.items()}, processes=procs)
    finally:
        procs.stop()
        asyncio.run(procs.drop_databases())
        asyncio.run(delete_bus_topology(procs.amqp_url, procs.exchange))
        procs.remove_broker_users()  # one broker user per service, made for this chain
        mailbox.stop()


@contextlib.asynccontextmanager
async def chain_clients(running_chain: RunningChain) -> AsyncIterator[Chain]:
    """The chain's clients for one test (its own HTTP client, in the test's event loop)."""
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0)) as http:
        yield Chain(http=http, portal_url=running_chain.urls["portal"], siki_url=running_chain.urls["siki"],
                    lpjk_url=running_chain.urls["lpjk"], lsp_urls=running_chain.lsp_urls,
                    mailbox=running_chain.mailbox, step_timeout=60.0, days=AssessmentDays(),
                    poll_max_delay=0.3)
