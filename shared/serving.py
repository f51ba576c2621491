"""Serving a service's app with uvicorn, as every service's ``python -m services.<name>`` does.

uvicorn's server wakes ten times a second, idle or not, to refresh its ``Date`` header (once a
second) and to see whether it should stop. On the virtual machine measured (2026-12-07) a
wake-up from sleep cost about 0.2 ms of CPU: a bare uvicorn app idled at 2.1 ms of CPU per
second, and the services spent 1.1-1.5 ms per second each on these wake-ups, a third of their
idle CPU. :class:`QuietServer` wakes once a second instead, as often as the header changes, and
is woken at once when it is told to stop (a signal, or ``should_exit`` set by code), so stopping
takes no longer than before.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.main import STARTUP_FAILURE

# What uvicorn's on_tick(counter) takes for "refresh the Date header": counter % 10 == 0.
_REFRESH = 10


class QuietServer(uvicorn.Server):
    """uvicorn's server, ticking once a second instead of every 100 ms."""

    tick_seconds = 1.0
    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stopping = False

    @property
    def should_exit(self) -> bool:
        return self._stopping

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        self._stopping = value
        if value and self._wake is not None and self._loop is not None:
            # From a signal handler or another thread as well as from the loop itself; once the
            # loop is closed (a late signal) there is nothing left to wake.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        stop = await self.on_tick(0)
        while not stop:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.tick_seconds):
                    await self._wake.wait()
            stop = await self.on_tick(_REFRESH)


def run(app: Any, *, sockets: list[socket.socket] | None = None, **kwargs: Any) -> None:
    """``uvicorn.run(app, **kwargs)`` (an app object, neither reload nor workers) with
    :class:`QuietServer`; ``sockets``: listening sockets to serve instead of binding ``host`` and
    ``port`` (the replica launcher, scripts/chain_processes.py). As ``uvicorn.run``, the process
    exits with uvicorn's start-up failure status when the app did not start."""
    server = QuietServer(uvicorn.Config(app, **kwargs))
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=sockets)
    if not server.started:
        sys.exit(STARTUP_FAILURE)
