"""Fixtures for the real infrastructure. Tests that need RabbitMQ or PostgreSQL fail loudly
when it is absent; they never skip (``make test`` and CI must prove the real thing)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlparse

# anyio loads its asyncio backend at the first thread-pool call (starlette's form parser writing
# an upload to disk, say), and pytest rewrites anyio's modules like any plugin's, parsing them with
# ast. A test-time import means an ast.parse mid-test; a garbage collection then may run
# finalisers (aio-pika tasks left on an earlier test's closed loop) whose unraisable errors are
# formatted by traceback, itself calling ast.parse: CPython 3.11.7's AST state then fails the
# outer parse ("AST constructor recursion depth mismatch"), and the failed import turned a
# streamed upload's 413 into a 400. Loaded here, once, before any test runs.
import anyio._backends._asyncio  # noqa: F401
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import CacheStats

# Every statement a test runs in this process must be one SQLAlchemy can cache: one without a
# cache key (a multi-row VALUES, a construct that opts out) is compiled again on every use, about
# 1 ms of CPU each time on a hot path (SIKI's steps were, until the class was closed). DDL and
# raw driver SQL are not compiled statements and are not counted.
_UNCACHEABLE: list[str] = []


@event.listens_for(Engine, "before_cursor_execute")
def _note_uncacheable(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                      executemany: bool) -> None:
    if (context is not None and context.compiled is not None and not context.isddl
            and context.cache_hit is CacheStats.NO_CACHE_KEY):
        _UNCACHEABLE.append(" ".join(statement.split())[:300])


@pytest.fixture(autouse=True)
def _statements_are_cacheable(request: pytest.FixtureRequest) -> Iterator[None]:
    start = len(_UNCACHEABLE)
    yield
    found = sorted(set(_UNCACHEABLE[start:]))
    if found and request.node.get_closest_marker("uncached_statements") is None:
        pytest.fail("statements without a SQLAlchemy cache key (compiled on every use):\n" + "\n".join(found))


# A service freezes its start-up heap (shared/gctuning.py). This process builds and drops hundreds
# of apps: each freeze would keep the earlier tests' leftovers for good. The chain's processes
# (scripts/chain_processes.py drops SKK_* from their environment) are tuned as in production.
os.environ.setdefault("SKK_GC_TUNED_AFTER_STARTUP", "false")

AMQP_URL = os.environ.get("SKK_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
POSTGRES_URL = os.environ.get("SKK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(url: str, default_port: int) -> bool:
    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or default_port), timeout=3):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def amqp_url() -> str:
    if not _reachable(AMQP_URL, 5672):
        pytest.fail(f"RabbitMQ is not reachable at {AMQP_URL}: start it (rabbitmq-server -detached) or run .ci/run")
    return AMQP_URL


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    if not _reachable(POSTGRES_URL, 5432):
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: start it or run .ci/run")
    return POSTGRES_URL


async def create_database(admin_url: str, prefix: str = "skk_t") -> str:
    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    u = urlparse(admin_url)
    auth = u.username or "postgres"
    if u.password:
        auth += f":{u.password}"
    return f"postgresql+asyncpg://{auth}@{u.hostname}:{u.port or 5432}/{name}"


async def drop_database(admin_url: str, url: str) -> None:
    import asyncpg

    name = urlparse(url).path.lstrip("/")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
async def pg_url(postgres_admin_url: str) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    url = await create_database(postgres_admin_url)
    try:
        yield url
    finally:
        await drop_database(postgres_admin_url, url)


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/test.db"


_INFRA_FIXTURES = {"amqp_url": "rabbitmq", "postgres_admin_url": "postgres", "pg_url": "postgres"}
_infra_passed: dict[str, set[str]] = {"rabbitmq": set(), "postgres": set()}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Count the tests that passed against the real broker or database, whether they asked for
    it by argument, through another fixture, or with ``request.getfixturevalue``."""
    report = yield
    if call.when == "call" and getattr(report, "passed", False):
        names = set(getattr(item, "fixturenames", ()))
        request = getattr(item, "_request", None)
        names |= set(getattr(request, "_fixture_defs", {}) or {})
        for fixture, kind in _INFRA_FIXTURES.items():
            if fixture in names:
                _infra_passed[kind].add(item.nodeid)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    both = _infra_passed["rabbitmq"] | _infra_passed["postgres"]
    terminalreporter.write_line(
        f"real infrastructure: {len(_infra_passed['postgres'])} tests passed against PostgreSQL, "
        f"{len(_infra_passed['rabbitmq'])} against RabbitMQ ({len(both)} distinct)"
    )
