"""The chain the simulator (and the benchmark, and the whole-chain tests) drives: one already
running, every service as its own process (RabbitMQ + PostgreSQL), or the embedded chain
(in-process bus, SQLite) served from this very process."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from scripts.chain_processes import DEFAULT_PORTS, ChainProcesses, free_ports
from scripts.simulator.mailbox import Mailbox, MemoryMailbox

AMQP_URL = os.environ.get("SKK_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
POSTGRES_URL = os.environ.get("SKK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# Quick retries so that a crashed or restarted service catches up in seconds, not minutes.
FAST_RETRIES = {
    "SKK_BUS_RETRY_BASE_SECONDS": "0.2",
    "SKK_BUS_RETRY_MAX_SECONDS": "2",
    "SKK_BUS_MAX_ATTEMPTS": "10",
    "SKK_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "SKK_WEBHOOK_RETRY_MAX_SECONDS": "1",
    "SKK_WEBHOOK_MAX_ATTEMPTS": "40",
    "SKK_REPORT_RESEND_INTERVAL_SECONDS": "2",
    "SKK_OUTBOX_POLL_SECONDS": "0.2",
    # Six processes share one PostgreSQL server (max_connections 100 by default) and each
    # engine may open pool_size and a quarter more, at least 2 (shared/database.py): 6 x 7 = 42.
    "SKK_DATABASE_POOL_SIZE": "5",
}
# Every simulated applicant and tender committee comes from this one machine: the per-address
# limits (the portal's account emails, 20 an hour in production; LPJK's public verifications,
# 30 a minute) would count them all as one client and refuse most of them.
SIMULATION_LIMITS = {"SKK_ACCOUNT_EMAILS_PER_CLIENT": "100000/hour",
                     "SKK_PUBLIC_VERIFICATION_LIMITS": "100000/hour"}
# Every consumer queue of the chain (RabbitMQ names them ``<exchange>.<queue>``): removed after
# a throw-away chain so that the broker does not collect them.
KNOWN_QUEUES = ("portal", "portal.mail", "siki", "siki.webhooks", "lsp.LSP-A", "lsp.LSP-B")


@dataclass
class RunningChain:
    mode: str
    urls: dict[str, str]
    mailbox: Mailbox
    log_files: list[Path] = field(default_factory=list)
    pids: dict[str, int] = field(default_factory=dict)
    processes: ChainProcesses | None = None

    @property
    def lsp_urls(self) -> dict[str, str]:
        return {k: v for k, v in self.urls.items() if k.startswith("LSP-")}


@dataclass
class TunedProcesses(ChainProcesses):
    """ChainProcesses with per-service environment on top of the common one."""

    service_env: dict[str, dict[str, str]] = field(default_factory=dict)

    def env_for(self, name: str) -> dict[str, str]:
        return {**super().env_for(name), **self.service_env.get(name, {})}


# Two processes of SIKI, the portal and one LSP: what the whole-chain tests and the chaos suite
# run, so that a lock, a limit or an order that holds only inside one process shows.
REPLICAS = {"siki": 2, "portal": 2, "LSP-A": 2}
# Nine processes on one PostgreSQL server (max_connections 100, shared with other test runs):
# a smaller pool for each process of a replicated service (a single process keeps FAST_RETRIES'
# 5: with 4 a lone LSP under load ran out and answered 500 after the pool's 30 s timeout).
REPLICA_POOL = {"SKK_DATABASE_POOL_SIZE": "4"}


def new_processes(log_dir: Path, smtp_url: str, *, tag: str | None = None,
                  extra_env: dict[str, str] | None = None,
                  service_env: dict[str, dict[str, str]] | None = None,
                  replicas: dict[str, int] | None = None) -> TunedProcesses:
    tag = tag or uuid.uuid4().hex[:8]
    pools = {name: dict(REPLICA_POOL) for name, n in (replicas or {}).items() if n > 1}
    return TunedProcesses(service_env={**pools, **(service_env or {})}, replicas=dict(replicas or {}),
        postgres_admin_url=POSTGRES_URL, amqp_url=AMQP_URL, ports=free_ports(), db_prefix=f"skks_{tag}",
        exchange=f"skk.sim.{tag}", broker_user_prefix=f"skks-{tag}-", smtp_url=smtp_url, log_dir=log_dir,
        fresh_databases=True,
        extra_env={**FAST_RETRIES, **SIMULATION_LIMITS, **(extra_env or {})},
    )


async def delete_bus_topology(amqp_url: str, exchange: str) -> None:
    import aio_pika

    with contextlib.suppress(Exception):
        conn = await aio_pika.connect(amqp_url, timeout=5)
        async with conn:
            ch = await conn.channel()
            for q in KNOWN_QUEUES:
                for suffix in ("", ".retry", ".dead"):
                    with contextlib.suppress(Exception):
                        await ch.queue_delete(f"{exchange}.{q}{suffix}")
            with contextlib.suppress(Exception):
                await ch.exchange_delete(exchange)


@contextlib.asynccontextmanager
async def processes_chain(log_dir: Path, *, keep: bool = False, extra_env: dict[str, str] | None = None,
                          service_env: dict[str, dict[str, str]] | None = None,
                          replicas: dict[str, int] | None = None) -> AsyncIterator[RunningChain]:
    """Every service its own process (``replicas``: several of some) against RabbitMQ and
    PostgreSQL; a fresh database per instance and a fresh exchange, both removed afterwards
    unless ``keep``."""
    mailbox = MemoryMailbox().start()
    chain = new_processes(log_dir, mailbox.url, extra_env=extra_env, service_env=service_env, replicas=replicas)
    try:
        await chain.start(timeout=120)
        yield RunningChain(
            mode="services", urls={n: chain.url(n) for n in DEFAULT_PORTS}, mailbox=mailbox,
            log_files=chain.log_files, pids={n: p.pid for n, p in chain.procs.items()}, processes=chain,
        )
    finally:
        chain.stop()
        if not keep:
            await chain.drop_databases()
            await delete_bus_topology(chain.amqp_url, chain.exchange)
            await asyncio.to_thread(chain.remove_broker_users)
        mailbox.stop()


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """``values`` in os.environ (unless already set there) for the block only."""
    added = {k: v for k, v in values.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


class _Tee(io.TextIOBase):
    """stderr to a log file too (the embedded services log to this process's stderr)."""

    def __init__(self, file: TextIO, echo: TextIO | None) -> None:
        self.file = file
        self.echo = echo

    def write(self, s: str) -> int:
        self.file.write(s)
        if self.echo is not None:
            self.echo.write(s)
        return len(s)

    def flush(self) -> None:
        self.file.flush()
        if self.echo is not None:
            self.echo.flush()


@contextlib.asynccontextmanager
async def embedded_chain(log_dir: Path, *, echo_logs: bool = False) -> AsyncIterator[RunningChain]:
    """The embedded chain (``make run``'s: SQLite, in-process bus) served from this process on
    free ports, its logs (JSON) in ``log_dir/embedded.log``."""
    import uvicorn

    from scripts.run_chain import _Server, build_apps
    from shared.bus import InProcessBus, RetryPolicy
    from shared.logging import configure_logging

    log_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, before serving
    log_path = log_dir / "embedded.log"
    log_file = open(log_path, "a", encoding="utf-8")  # noqa: ASYNC230 - once, closed below
    old_stderr = sys.stderr
    sys.stderr = _Tee(log_file, old_stderr if echo_logs else None)  # type: ignore[assignment]
    configure_logging(os.environ.get("SKK_LOG_LEVEL", "INFO"), json=True)
    mailbox = MemoryMailbox().start()
    var = Path(tempfile.mkdtemp(prefix="skk-sim-"))
    ports = free_ports()
    bus = InProcessBus(RetryPolicy(max_attempts=10, base_seconds=0.2, max_seconds=2))
    with _environment(SIMULATION_LIMITS):  # the settings read SKK_* when the apps are built
        apps = build_apps(bus, var, mailbox.url, ports)
    servers = [_Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                      lifespan="on")) for _, app, port in apps]
    await bus.start()
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    try:
        for _ in range(600):
            if all(s.started for s in servers):
                break
            if any(t.done() for t in tasks):
                raise RuntimeError(f"an embedded service failed to start; see {log_path}")
            await asyncio.sleep(0.1)
        else:
            raise TimeoutError("the embedded chain did not start within 60 s")
        yield RunningChain(mode="embedded", urls={n: f"http://127.0.0.1:{p}" for n, p in ports.items()},
                           mailbox=mailbox, log_files=[log_path], pids={"embedded": os.getpid()})
    finally:
        for s in servers:
            s.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        await bus.stop()
        mailbox.stop()
        sys.stderr = old_stderr
        log_file.close()
