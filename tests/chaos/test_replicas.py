"""Replicas of a service share its port: the parent's listening socket, inherited by each
process (scripts/chain_processes.py ``serve``); each answers, and the port keeps answering
while one of them is killed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.chain_processes import MODULES, ChainProcesses, free_port, free_ports

ROOT = Path(__file__).resolve().parents[2]


def _replica(shared: socket.socket) -> tuple[subprocess.Popen[bytes], int]:
    own = socket.socket()
    own.bind(("127.0.0.1", 0))
    own.listen(16)
    fds = (shared.fileno(), own.fileno())
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripts.chain_processes", "serve", "tests.chaos.fake_service", *map(str, fds)],
        pass_fds=fds, cwd=ROOT,
    )
    port = own.getsockname()[1]
    own.close()
    return proc, port


def _wait(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(port)


Replicas = tuple[int, list[subprocess.Popen[bytes]]]  # the shared port, the processes


@pytest.fixture
def two_replicas() -> Iterator[Replicas]:
    shared = socket.socket()
    shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    shared.bind(("127.0.0.1", 0))
    shared.listen(128)
    started = [_replica(shared), _replica(shared)]
    procs = [p for p, _ in started]
    try:
        for _, port in started:
            _wait(port)
        yield shared.getsockname()[1], procs
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shared.close()


def test_replicas_share_the_port_and_survive_one_killed(two_replicas: Replicas) -> None:
    port, procs = two_replicas
    pids = {p.pid for p in procs}
    seen: set[int] = set()
    for _ in range(200):  # fresh connections: the kernel hands them to whichever replica accepts
        with httpx.Client() as client:
            seen.add(client.get(f"http://127.0.0.1:{port}/pid", timeout=5).json()["pid"])
        if seen == pids:
            break
    assert seen == pids, f"answered by {seen}, replicas {pids}"

    procs[0].kill()
    procs[0].wait()
    answers = {httpx.get(f"http://127.0.0.1:{port}/pid", timeout=5).json()["pid"] for _ in range(20)}
    assert answers == {procs[1].pid}


def test_chain_processes_names_and_logs_each_replica(tmp_path: Path) -> None:
    procs = ChainProcesses(replicas={"siki": 2, "portal": 3}, log_dir=tmp_path, ports={"siki": free_port(),
                                                                                     "portal": free_port()})
    assert procs.replica_names("siki") == ["siki", "siki#2"]
    assert procs.replica_names("portal") == ["portal", "portal#2", "portal#3"]
    assert procs.replica_names("siki#2") == ["siki#2"]
    assert [p.name for p in procs.log_files] == ["siki.log", "siki#2.log", "portal.log", "portal#2.log", "portal#3.log"]


async def test_chain_processes_keeps_the_port_while_one_replica_lives(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MODULES, "siki", "tests.chaos.fake_service")
    procs = ChainProcesses(replicas={"siki": 2}, log_dir=tmp_path, ports=free_ports())  # only siki started
    url = procs.url("siki") + "/pid"
    try:
        procs.start_one("siki")
        await procs.wait_ready(["siki"])
        procs.kill_replica("siki")
        assert httpx.get(url, timeout=5).json()["pid"] == procs.procs["siki#2"].pid  # the sibling answers
        procs.kill_replica("siki#2")
        # None left: refused at once (callers retry), not queued for a process that is not there.
        with pytest.raises(httpx.ConnectError):
            httpx.get(url, timeout=5)
        procs.start_replica("siki")
        await procs.wait_ready(["siki"])
        assert httpx.get(url, timeout=5).json()["pid"] == procs.procs["siki"].pid
    finally:
        procs.stop()
