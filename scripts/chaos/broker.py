"""A RabbitMQ node of the suite's own: other ports, its own data and logs in a temporary
directory, so that killing it touches nobody else's broker.

The system's ``rabbitmq-server`` is started with ``RABBITMQ_*`` variables (node name, AMQP and
distribution ports, mnesia and log bases, a config file of its own: the system's
``/etc/rabbitmq/rabbitmq.conf`` binds 5672) as the ``rabbitmq`` user when we are root, so that
it reads the same Erlang cookie as ``rabbitmqctl`` (which switches to that user), and
``rabbitmqctl -n <node>`` manages it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
SERVICE_USER = "rabbitmq"


def _service_user() -> pwd.struct_passwd | None:
    """The broker's own system user, when we may (and must) switch to it: as root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        return None


@dataclass
class RabbitNode:
    port: int
    dist_port: int
    name: str = field(default_factory=lambda: f"skk-chaos-{os.getpid()}@localhost")
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="skk-chaos-rabbit-")))
    proc: subprocess.Popen[bytes] | None = None
    kills: int = 0

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def ctl(self) -> tuple[str, ...]:
        """The ``rabbitmqctl`` command for this node (``scripts.broker_users`` runs it)."""
        if _service_user() is not None and shutil.which("rabbitmqctl"):
            return ("rabbitmqctl", "-n", self.name)  # the wrapper switches to the broker's user
        return (CTL, "-n", self.name)

    def _prepare(self) -> dict[str, str]:
        for sub in ("mnesia", "log"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            # Small and quick: a throw-away node on a shared test machine.
            "disk_free_limit.absolute = 50MB\n"
        )
        (self.base / "enabled_plugins").write_text("[].\n")
        # Not the system's rabbitmq-env.conf: that one names the system node.
        (self.base / "rabbitmq-env.conf").write_text(
            'ERL_EPMD_ADDRESS=127.0.0.1\nexport ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"\n'
        )
        user = _service_user()
        if user is not None:
            for path in [self.base, *self.base.rglob("*")]:
                os.chown(path, user.pw_uid, user.pw_gid)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update({
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
            "RABBITMQ_PID_FILE": str(self.base / "pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        })
        if user is not None:
            env.update({"HOME": user.pw_dir, "USER": user.pw_name, "LOGNAME": user.pw_name})
        return env

    def start(self) -> None:
        env = self._prepare()
        with contextlib.suppress(FileNotFoundError):
            (self.base / "pid").unlink()
        user = _service_user()
        log = open(self.base / "server.out", "ab")  # the child writes to its own copy
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - the system's RabbitMQ, fixed arguments
                [SERVER], env=env, cwd=self.base, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                user=user.pw_uid if user else None, group=user.pw_gid if user else None,
            )
        finally:
            log.close()

    async def wait_ready(self, timeout: float = 90.0) -> None:
        """Until an AMQP client can log in."""
        import aio_pika

        deadline = time.monotonic() + timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"RabbitMQ node {self.name} exited with {self.proc.returncode}; "
                                   f"see {self.base}/server.out and {self.base}/log")
            try:
                # A bare TCP connect first: aio-pika logs every refused attempt as an error.
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                conn = await aio_pika.connect(self.amqp_url, timeout=3)
            except Exception:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"RabbitMQ node {self.name} not ready after {timeout}s; "
                                       f"see {self.base}/log") from None
                await asyncio.sleep(0.5)
                continue
            await conn.close()
            return

    def beam_pid(self) -> int | None:
        with contextlib.suppress(FileNotFoundError, ValueError):
            return int((self.base / "pid").read_text().strip())
        return None

    def kill(self) -> None:
        """kill -9 the node's Erlang VM (and the script that started it)."""
        pid = self.beam_pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None
        self.kills += 1

    def queues(self) -> list[dict[str, object]]:
        """Every queue of the node with its message count (``rabbitmqctl list_queues``)."""
        import json

        done = subprocess.run(  # noqa: S603 - fixed program and arguments
            [*self.ctl, "-q", "list_queues", "name", "messages", "--formatter", "json"],
            capture_output=True, text=True, timeout=60, check=True,
        )
        out = done.stdout.strip()
        return list(json.loads(out)) if out else []

    def stop(self, *, remove: bool = True) -> None:
        """Stop the node (gracefully, then by force) and remove its directory."""
        if self.proc is not None:
            pid = self.beam_pid()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None
        pid = self.beam_pid()
        if pid is not None:  # the VM outlived its script
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if remove:
            shutil.rmtree(self.base, ignore_errors=True)
