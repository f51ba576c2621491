"""``make run``'s embedded chain: every instance ready within a minute; SIGINT stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_base(n: int = 6) -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + n < 65000 and all(_free(base + i) for i in range(n)):
            return base
    raise RuntimeError("no free port range")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_embedded_chain_ready_within_a_minute_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    base = _free_base(7)
    env = dict(os.environ, SKK_VAR_DIR=str(tmp_path), SKK_CHAIN_PORT_BASE=str(base),
               SKK_MAIL_SINK_PORT=str(base + 6))
    env.pop("SKK_SMTP_URL", None)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "scripts.run_chain"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        pending = {base + i for i in range(6)}
        while pending and time.monotonic() - started < 60:
            assert proc.poll() is None, proc.stdout.read().decode()[-3000:] if proc.stdout else ""
            for port in list(pending):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                        pending.discard(port)
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        assert not pending, f"not ready within 60 s: {sorted(pending)}"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        for i in range(6):
            assert _free(base + i), f"port {base + i} still bound after Ctrl-C"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
