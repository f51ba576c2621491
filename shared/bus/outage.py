"""How a broker outage shows in the logs: one WARNING when the connection is lost, one INFO with
the attempt count when it is back, and an ERROR only if it lasts longer than ``error_after``
seconds (then a person is needed). aio-pika/aiormq's own reconnect noise is filtered out
(``shared.logging.quiet_broker_libraries``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from shared.logging import get_logger

log = get_logger("shared.bus.rabbitmq")


class OutageReport:
    def __init__(self, where: str, *, error_after: float = 300.0,
                 reconnect_interval: Callable[[], float] = lambda: 5.0) -> None:
        self.where = where
        self.error_after = error_after
        self.reconnect_interval = reconnect_interval  # aio-pika tries once per interval
        self.since: float | None = None
        self._task: asyncio.Task[None] | None = None

    def lost(self, exc: BaseException | None) -> None:
        if self.since is not None:
            return  # already reported
        self.since = time.monotonic()
        log.warning("broker connection lost; reconnecting", broker=self.where, error=repr(exc) if exc else None)
        self._task = asyncio.get_running_loop().create_task(self._watch())

    def recovered(self) -> None:
        if self.since is None:
            return
        down = time.monotonic() - self.since
        self.reset()
        log.info("broker connection recovered", broker=self.where, attempts=self.attempts(down),
                 down_seconds=round(down, 1))

    def reset(self) -> None:
        """Our own close: nothing to report, nothing to watch."""
        self.since = None
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def attempts(self, down: float) -> int:
        interval = float(self.reconnect_interval() or 5)
        return 1 + int(down // interval)

    async def _watch(self) -> None:
        await asyncio.sleep(self.error_after)
        if self.since is not None:
            down = time.monotonic() - self.since
            log.error("broker unreachable; still reconnecting", broker=self.where,
                      attempts=self.attempts(down), down_seconds=round(down, 1))
