"""The whole chain as processes (two LSPs) against the real RabbitMQ and PostgreSQL, with a
real SMTP sink, started once for the session; tests drive it only through the public APIs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from scripts.simulator.chains import RunningChain
from scripts.simulator.journeys import Chain
from tests.chain_support import chain_clients, started_chain


@pytest.fixture(scope="session")
def running_chain(amqp_url: str, postgres_admin_url: str) -> Iterator[RunningChain]:
    with started_chain(amqp_url, postgres_admin_url) as running:
        yield running


@pytest.fixture
async def chain(running_chain: RunningChain) -> AsyncIterator[Chain]:
    """The chain's clients for one test (its own HTTP client, in the test's event loop)."""
    async with chain_clients(running_chain) as c:
        yield c
