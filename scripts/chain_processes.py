"""Start the whole chain with every service as its own process, against RabbitMQ and
PostgreSQL: the deployed way of running it (``make run-services``), used by the whole-chain
tests and the benchmark too.

Each instance gets its own database on the PostgreSQL server (created if missing), migrated
first by the prestart step (``python -m scripts.migrate``, as ``deploy/compose.yaml`` does) so
that the services start with ``SKK_MIGRATE_ON_STARTUP=false``; every URL between the parties is
derived from one port map, so several chains can run side by side
(tests pick free ports and a unique exchange and database prefix).

Each service logs in to RabbitMQ as its own broker user (docs/CONTRACTS.md "Event
authenticity"): ``start`` provisions them first (``scripts.broker_users``: ``rabbitmqctl``, as
root), ``<prefix>portal``, ``<prefix>siki``, ..., ``<prefix>lsp-LSP-A`` with their dev passwords;
tests give a unique prefix and remove the users afterwards (``remove_broker_users``).

Replicas (``replicas={"siki": 2}``): a service may run as several processes sharing its port.
This process binds each service's listening socket (kept while one replica lives, so that a
sibling takes the connections of a replica that died; closed when none is left, so that callers
are refused and retry, as with a crashed single process) and hands its fd to every replica
(``python -m scripts.chain_processes serve <module> <fd>...``: the service's own ``serve()``,
its ``shared.serving.run`` served on the inherited sockets), which accept from it in turn; each
replica also gets a private port of its own, for its readiness. Each replica is its own process
(``<name>``, ``<name>#2``, ...: own log, killable alone) and they consume the same queues as
competing consumers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

# A service replica runs this module too (``serve``): what only the parent uses (httpx for the
# readiness polls, the broker users) is imported where it is used, so that the replica's idle
# RSS is the service's own (issue 17; scripts/bench/idle_rss.py).
if TYPE_CHECKING:
    from scripts.broker_users import Grant

DEFAULT_PORTS = {"portal": 8000, "siki": 8001, "LSP-A": 8002, "LSP-B": 8012, "bnsp": 8003, "lpjk": 8004}
MODULES = {"portal": "services.portal", "siki": "services.siki", "LSP-A": "services.lsp",
           "LSP-B": "services.lsp", "bnsp": "services.bnsp_mock", "lpjk": "services.lpjk_mock"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports() -> dict[str, int]:
    """One free port per service, all different (each is held until the last is picked)."""
    held = []
    try:
        for _ in DEFAULT_PORTS:
            s = socket.socket()
            held.append(s)
            s.bind(("127.0.0.1", 0))
        return {name: int(s.getsockname()[1]) for name, s in zip(DEFAULT_PORTS, held, strict=True)}
    finally:
        for s in held:
            s.close()


@dataclass
class ChainProcesses:
    postgres_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    db_prefix: str = "skk"
    exchange: str = "skk.events"
    smtp_url: str | None = None
    log_dir: Path = Path("var/logs")
    extra_env: dict[str, str] = field(default_factory=dict)
    fresh_databases: bool = False
    # One broker user per service (False: every service logs in as amqp_url's user, shared).
    broker_users: bool = True
    broker_user_prefix: str = ""
    # Processes per service (default 1), e.g. {"siki": 2, "portal": 2, "LSP-A": 2}.
    replicas: dict[str, int] = field(default_factory=dict)
    # How to reach the broker's rabbitmqctl (e.g. ("rabbitmqctl", "-n", "skk-chaos-1@localhost")).
    rabbitmqctl: tuple[str, ...] = ("rabbitmqctl",)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    replica_ports: dict[str, int] = field(default_factory=dict)
    created_broker_users: list[str] = field(default_factory=list)
    _listeners: dict[str, socket.socket] = field(default_factory=dict, repr=False)

    def replica_names(self, name: str) -> list[str]:
        """The processes of a service: ``name`` (the first), ``name#2``, ... (one name given
        with ``#``: just that one)."""
        if "#" in name:
            return [name]
        return [name] + [f"{name}#{i}" for i in range(2, self.replicas.get(name, 1) + 1)]

    @property
    def log_files(self) -> list[Path]:
        return [self.log_dir / f"{p}.log" for n in self.ports for p in self.replica_names(n)]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def database_name(self, name: str) -> str:
        return f"{self.db_prefix}_{name.lower().replace('-', '_')}"

    def database_url(self, name: str) -> str:
        return self._database_url(self.database_name(name))

    def _database_url(self, database: str) -> str:
        u = urlparse(self.postgres_admin_url)
        auth = u.username or "postgres"
        if u.password:
            auth += f":{u.password}"
        return f"postgresql+asyncpg://{auth}@{u.hostname}:{u.port or 5432}/{database}"

    def migrate(self) -> None:
        """The prestart step: every instance's database to its heads, in one process."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        template = self._database_url(f"{self.db_prefix}_{{instance}}")  # the instances are database_name's
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKK_")}
        with open(self.log_dir / "migrate.log", "ab") as log:
            done = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "scripts.migrate", "--url-template", template],
                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent,
                check=False,
            )
        if done.returncode != 0:
            raise RuntimeError(f"migrations failed ({done.returncode}); see {self.log_dir}/migrate.log")

    async def create_databases(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.postgres_admin_url)
        try:
            for name in DEFAULT_PORTS:
                db = self.database_name(name)
                if self.fresh_databases:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db)
                if not exists:
                    await conn.execute(f'CREATE DATABASE "{db}"')
        finally:
            await conn.close()

    async def drop_databases(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.postgres_admin_url)
        try:
            for name in DEFAULT_PORTS:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name(name)}" WITH (FORCE)')
        finally:
            await conn.close()

    # --- broker users ----------------------------------------------------------------------

    @property
    def vhost(self) -> str:
        return unquote(urlparse(self.amqp_url).path[1:]) or "/"

    def broker_grants(self) -> dict[str, Grant]:
        """Each instance's broker user and permissions, by instance name."""
        from scripts.broker_users import plan

        codes = [n for n in DEFAULT_PORTS if n.startswith("LSP-")]
        grants = plan(exchange=self.exchange, prefix=self.broker_user_prefix, lsp_codes=codes)
        by_service = {g.service: g for g in grants}
        return {n: by_service[f"lsp:{n}" if n.startswith("LSP-") else n] for n in DEFAULT_PORTS}

    def amqp_url_for(self, name: str) -> str:
        if not self.broker_users:
            return self.amqp_url
        from scripts.broker_users import service_url

        return service_url(self.amqp_url, self.broker_grants()[name])

    def provision_broker_users(self) -> None:
        """The services' broker users, created or updated (idempotent)."""
        if not self.broker_users:
            return
        from scripts.broker_users import BrokerUsersError, Rabbitmqctl, ensure

        try:
            created = ensure(list(self.broker_grants().values()), vhost=self.vhost,
                             ctl=Rabbitmqctl(self.rabbitmqctl))
        except BrokerUsersError as exc:
            raise BrokerUsersError(f"{exc}\nProvision the broker users once as root: sudo .venv/bin/python -m "
                                   f"scripts.broker_users ensure --exchange {self.exchange}") from None
        self.created_broker_users += [u for u in created if u not in self.created_broker_users]

    async def ensure_broker_users(self) -> None:
        """Provision the broker users; without root, users provisioned before (that log in with
        their dev passwords) are used as they are."""
        from scripts.broker_users import BrokerUsersError

        try:
            await asyncio.to_thread(self.provision_broker_users)
        except BrokerUsersError:
            if os.geteuid() == 0 or not await self._broker_logins_work():
                raise
            print("broker users: rabbitmqctl needs root; using the users provisioned before", file=sys.stderr)

    async def _broker_logins_work(self) -> bool:
        import aio_pika

        for name in DEFAULT_PORTS:
            try:
                conn = await aio_pika.connect(self.amqp_url_for(name), timeout=5)
            except Exception:
                return False
            await conn.close()
        return True

    def remove_broker_users(self) -> None:
        """Delete the broker users this chain created (tests)."""
        if self.created_broker_users:
            from scripts.broker_users import Rabbitmqctl, remove

            remove(self.created_broker_users, ctl=Rabbitmqctl(self.rabbitmqctl))
            self.created_broker_users = []

    def env_for(self, name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKK_")}
        env.update({
            "SKK_DATABASE_URL": self.database_url(name),
            "SKK_AMQP_URL": self.amqp_url_for(name),
            "SKK_BUS_EXCHANGE": self.exchange,
            "SKK_PORT": str(self.ports[name]),
            "SKK_PORTAL_URL": self.url("portal"),
            "SKK_SIKI_URL": self.url("siki"),
            "SKK_BNSP_URL": self.url("bnsp"),
            "SKK_LPJK_URL": self.url("lpjk"),
            "SKK_PUBLIC_URL": self.url(name),
            "SKK_DEV_LSP_URLS": json.dumps({"LSP-A": self.url("LSP-A"), "LSP-B": self.url("LSP-B")}),
            "SKK_LOG_JSON": "true",
            "SKK_HTTP_BACKEND": "aiohttp",
            "SKK_DATABASE_POOL_SIZE": "8",
            "SKK_MIGRATE_ON_STARTUP": "false",  # done by migrate() before the services start
            "PYTHONUNBUFFERED": "1",
        })
        if name.startswith("LSP-"):
            env["SKK_LSP_CODE"] = name
        if self.broker_users:
            # Nobody shares a broker user: each consumer believes only the user that vouches.
            env.update({"SKK_BUS_USER_PREFIX": self.broker_user_prefix, "SKK_BUS_SHARED_USERS": "[]"})
        if self.smtp_url:
            env["SKK_SMTP_URL"] = self.smtp_url
        env.update(self.extra_env)
        return env

    def listener(self, name: str) -> socket.socket:
        """The service's listening socket, bound once and shared by its replicas."""
        if name not in self._listeners:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            # Bound, not listening: the replica's uvicorn listens once its app has started, so
            # that a caller is refused (and retries) until then instead of waiting in a backlog.
            sock.bind(("127.0.0.1", self.ports[name]))
            self._listeners[name] = sock
        return self._listeners[name]

    def start_one(self, name: str) -> None:
        """Start the service's processes (every replica), or one replica given as ``name#i``."""
        for proc in self.replica_names(name):
            self.start_replica(proc)

    def start_replica(self, proc: str) -> None:
        """Start one process of a service (``siki``: the first, ``siki#2``: the second, ...)."""
        service = proc.split("#")[0]
        self.log_dir.mkdir(parents=True, exist_ok=True)
        shared = self.listener(service)
        own = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # its private port, for /readyz
        own.bind(("127.0.0.1", 0))
        self.replica_ports[proc] = own.getsockname()[1]
        fds = (shared.fileno(), own.fileno())
        log = open(self.log_dir / f"{proc}.log", "ab")  # the child writes to its own copy
        try:
            self.procs[proc] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "scripts.chain_processes", "serve", MODULES[service], *map(str, fds)],
                env=self.env_for(service), stdout=log, stderr=subprocess.STDOUT, pass_fds=fds,
                cwd=Path(__file__).resolve().parent.parent,
            )
        finally:
            own.close()  # the child holds its own copy
            log.close()

    async def start(self, timeout: float = 60.0) -> None:
        # Every service's port bound first: the migrations' connections and the replicas' private
        # ports take ephemeral ports, and could take one picked by free_ports (EADDRINUSE).
        for name in DEFAULT_PORTS:
            self.listener(name)
        await self.create_databases()
        await self.ensure_broker_users()
        await asyncio.to_thread(self.migrate)
        for name in DEFAULT_PORTS:
            self.start_one(name)
        await self.wait_ready(timeout=timeout)

    async def wait_ready(self, names: list[str] | None = None, timeout: float = 60.0) -> None:
        """Until every started process of ``names`` (services or single replicas) answers
        /readyz on its private port."""
        pending = {p for n in (names or self.ports) for p in self.replica_names(n) if p in self.procs}
        deadline = time.monotonic() + timeout
        import httpx

        async with httpx.AsyncClient(timeout=2) as client:
            while pending:
                for proc_name in list(pending):
                    proc = self.procs.get(proc_name)
                    if proc is not None and proc.poll() is not None:
                        raise RuntimeError(f"{proc_name} exited with {proc.returncode}; "
                                           f"see {self.log_dir}/{proc_name}.log")
                    url = f"http://127.0.0.1:{self.replica_ports.get(proc_name, 0)}/readyz"
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(url)).status_code == 200:
                            pending.discard(proc_name)
                if pending and time.monotonic() > deadline:
                    raise TimeoutError(f"not ready after {timeout}s: {sorted(pending)}")
                if pending:
                    await asyncio.sleep(0.2)

    def stop_one(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Stop the service's processes (every replica), or one replica given as ``name#i``."""
        self._stop(self.replica_names(name), sig, timeout)

    def kill_replica(self, proc: str) -> None:
        """SIGKILL one process of a service (``siki``: only the first), its siblings untouched."""
        self._stop([proc], signal.SIGKILL, 15.0)

    def _stop(self, names: list[str], sig: int, timeout: float) -> None:
        procs = [self.procs.pop(p) for p in names if p in self.procs]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(sig)
        for proc in procs:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # A service with no process left stops listening, as a crashed single process would:
        # callers are refused (and retry) rather than queued in the backlog until their own
        # timeout, to be read by the restarted process after they hung up.
        for service in {n.split("#")[0] for n in names}:
            alive = [p for p in self.replica_names(service) if p in self.procs and self.procs[p].poll() is None]
            if not alive and service in self._listeners:
                self._listeners.pop(service).close()

    def kill_one(self, name: str) -> None:
        """Crash a service (SIGKILL to each of its replicas, or to one ``name#i``): nothing
        graceful happens."""
        self.stop_one(name, signal.SIGKILL)

    async def restart_one(self, name: str, timeout: float = 60.0) -> None:
        self.stop_one(name)
        self.start_one(name)
        await self.wait_ready([name], timeout=timeout)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name in list(self.procs):
            self.stop_one(name)
        for sock in self._listeners.values():
            sock.close()
        self._listeners.clear()


def serve_on_inherited_sockets(module: str, fds: list[int]) -> None:
    """A replica: the service's own ``serve()`` (its settings, app and uvicorn options), with
    ``shared.serving.run`` (a plain uvicorn app's ``uvicorn.run``) serving the listening sockets
    inherited from the parent instead of binding."""
    import importlib

    # The service's modules first: importing them imports uvicorn as a service does (without
    # its unused extras, shared/lean_imports.py).
    service = importlib.import_module(f"{module}.__main__")
    import uvicorn

    from shared import serving

    sockets = [socket.socket(fileno=fd) for fd in fds]  # family and type read from the fd
    serve_app = serving.run

    def run(app: Any, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        kwargs.pop("port", None)
        serve_app(app, sockets=sockets, **kwargs)

    # The services call serving.run(...) at serve time; a plain uvicorn app, uvicorn.run(...).
    serving.run = run
    uvicorn.run = run  # type: ignore[assignment]
    service.serve()


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "serve":
        sys.exit("usage: python -m scripts.chain_processes serve <services.module> <fd> [<fd>...]")
    serve_on_inherited_sockets(sys.argv[2], [int(a) for a in sys.argv[3:]])
