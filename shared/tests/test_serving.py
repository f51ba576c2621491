"""The services' uvicorn server (shared/serving.py): it ticks once a second instead of ten times,
still refreshes its Date header, and stops at once when told to, by code or by a signal."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.main import STARTUP_FAILURE

from scripts.chain_processes import free_port
from shared import serving
from shared.tests.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def _started(server: uvicorn.Server) -> None:
    await eventually(lambda: server.started, what="the server to start")


async def test_told_to_stop_it_stops_without_waiting_for_its_tick() -> None:
    port = free_port()
    server = serving.QuietServer(uvicorn.Config(_app, port=port, log_config=None, access_log=False))
    server.tick_seconds = 60.0  # a stop that waited for the tick would take a minute
    task = asyncio.create_task(server.serve())
    await _started(server)
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{port}/")).text == "ok"
    server.should_exit = True
    async with asyncio.timeout(20):
        await task


async def test_the_date_header_is_still_refreshed_every_tick() -> None:
    server = serving.QuietServer(uvicorn.Config(_app, port=free_port(), log_config=None, access_log=False))
    server.tick_seconds = 0.05
    task = asyncio.create_task(server.serve())
    await _started(server)
    first = dict(server.server_state.default_headers)[b"date"]
    # The header counts seconds: within one it reads another.
    await eventually(lambda: dict(server.server_state.default_headers)[b"date"] != first,
                     what="the Date header to be refreshed")
    server.should_exit = True
    await task


def test_a_signal_stops_a_served_process_at_once() -> None:
    """SIGTERM, as a supervisor stops a service: the process ends long before a 60 s tick."""
    port = free_port()
    probe = textwrap.dedent(f"""
        from shared import serving
        from shared.tests.test_serving import _app
        serving.QuietServer.tick_seconds = 60.0
        serving.run(_app, host="127.0.0.1", port={port}, log_config=None, access_log=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", probe], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text == "ok":
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down, then raises the signal it captured again: ended by SIGTERM.
        assert proc.wait(timeout=20) == -signal.SIGTERM
    finally:
        proc.kill()
        proc.wait()


def test_an_app_that_cannot_start_ends_the_process_with_uvicorns_start_up_failure() -> None:
    async def failing(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "no database"})

    with pytest.raises(SystemExit) as ended:
        serving.run(failing, host="127.0.0.1", port=free_port(), log_config=None, access_log=False)
    assert ended.value.code == STARTUP_FAILURE


def test_told_to_stop_after_its_loop_closed_it_does_not_raise() -> None:
    """A late signal (a second SIGTERM during the process's last moments) sets ``should_exit``
    again after the server's loop has closed: nothing to wake, and no error in the handler."""
    server = serving.QuietServer(uvicorn.Config(_app, port=free_port(), log_config=None, access_log=False))

    async def serve_then_stop() -> None:
        task = asyncio.create_task(server.serve())
        await _started(server)
        server.should_exit = True
        await task

    asyncio.run(serve_then_stop())
    server.should_exit = True
    assert server.should_exit
