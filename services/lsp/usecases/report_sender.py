"""Status reports leave for SIKI as soon as the transaction that staged them commits, from the
process that committed it: a task per application, started by the session's commit.

Before, each step also staged a ``ReportPending`` event: the outbox relay published it, the
broker routed it back to this LSP's own queue and its consumer sent the reports. That round
(relay pass, publish with confirm, delivery, ack) was most of the bus traffic an LSP made, one
per step, and a hop on the way of every step to SIKI and the applicant.

Nothing is lost without it: the reports are the outbox themselves (``StatusReportRow``, committed
with the step). A process that stops first leaves them unsent and the periodic resend
(``events.py``, which also runs once at start) sends them. A failure that may pass is retried
here with the bus's backoff (``bus_retry_base_seconds`` doubling up to ``bus_retry_max_seconds``,
``bus_max_attempts`` sends in all), then left to the periodic resend. Order and single delivery
are ``flush_reports``'s: oldest first, under the application's lock across processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from shared.bus.base import RetryPolicy
from shared.database import session_class
from shared.logging import get_logger

log = get_logger(__name__)

# session.info: the applications whose reports the open transaction staged.
_STAGED = "lsp_reports_to_send"


def stage(session: AsyncSession, application_id: str) -> None:
    """Send ``application_id``'s reports once this session's transaction commits."""
    session.info.setdefault(_STAGED, set()).add(application_id)


class ReportSender:
    """One sending task per application at a time; a commit that stages more reports while it
    runs makes it send again afterwards (a flush sends every unsent report, so one more pass
    covers any number of commits)."""

    def __init__(self, flush: Callable[[str], Awaitable[object]], policy: RetryPolicy) -> None:
        self._flush = flush
        self._policy = policy
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._closed = False

    def listen(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Start sending after each commit of ``sessions`` that staged reports."""
        listened = session_class(sessions)
        event.listen(listened, "after_commit", self._after_commit)
        event.listen(listened, "after_rollback", self._after_rollback)

    def _after_commit(self, session: Session) -> None:
        for application_id in session.info.pop(_STAGED, ()):
            self.ring(application_id)

    @staticmethod
    def _after_rollback(session: Session) -> None:
        session.info.pop(_STAGED, None)

    def ring(self, application_id: str) -> None:
        if self._closed:
            return  # shutting down: the periodic resend of the next start sends them
        if application_id in self._tasks:
            self._again.add(application_id)
            return
        self._tasks[application_id] = asyncio.get_running_loop().create_task(self._send(application_id))

    @property
    def sending(self) -> int:
        return len(self._tasks)

    async def _send(self, application_id: str) -> None:
        failures = 0
        try:
            while True:
                self._again.discard(application_id)
                try:
                    await self._flush(application_id)
                except Exception as exc:  # flush_reports logged the report and why
                    failures += 1
                    if failures >= self._policy.max_attempts:
                        log.warning("status reports left to the periodic resend", application_id=application_id,
                                    attempts=failures, error=repr(exc))
                        return
                    await asyncio.sleep(self._policy.delay(failures))
                    continue
                failures = 0
                if application_id not in self._again:
                    return
        finally:
            self._tasks.pop(application_id, None)
            self._again.discard(application_id)

    async def close(self) -> None:
        """Stop sending (at shutdown); what is unsent stays for the periodic resend."""
        self._closed = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
