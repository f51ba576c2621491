"""The command the portal is sending SIKI for an application, kept until SIKI's answer is recorded.

A submission, payment proof or appeal goes: check here, send to SIKI, record SIKI's acceptance
here. If the portal dies after SIKI accepted but before the record (or SIKI's answer was lost),
SIKI's status events move the application on and the applicant's retry would meet "cannot ...
while the application is ...", although what they asked for happened. So the command is kept
(``applications.in_flight``) before it is sent: a retry of the same request (same ``request``
fingerprint) sends the very same command again, which SIKI answers from its idempotency record,
and the answer is recorded as the first would have been. Another request replaces it, numbered
after it (SIKI may hold its number). A refusal by SIKI forgets it; SIKI unreachable keeps it
(whether SIKI took it is unknown).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import own_application
from services.portal.domain.applications import next_command_no
from shared.exceptions import DomainError, Unavailable


def fingerprint(*parts: Any) -> str:
    """What identifies the applicant's request (not the command built from it: that has clocks)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def resendable(app: Any, action: str, request: str, *, allowed_now: bool) -> dict[str, Any] | None:
    """The kept command to send again, if this request is the one it was built for, unless SIKI's
    events since show the application came round to where a new one is due (``allowed_now`` after
    they moved it: SIKI took the kept one and, e.g., rejected it; then this is a new request)."""
    kept = app.in_flight
    if not (kept and kept.get("action") == action and kept.get("request") == request):
        return None
    if allowed_now and app.last_seq > int(kept.get("seq", 0)):
        return None
    return kept  # type: ignore[no-any-return]


def next_number(in_flight: dict[str, Any] | None, action: str, taken: int) -> int:
    """The number of a new command: after SIKI's last recorded one and any kept one."""
    return next_command_no(taken, int(in_flight["no"]) if in_flight and in_flight.get("action") == action else 0)


async def remember(sessions: async_sessionmaker[AsyncSession], user_id: str, application_id: str, *,
                   action: str, no: int, request: str, command: dict[str, Any],
                   answer: dict[str, Any] | None = None) -> None:
    """Keep the command (committed) before it is sent, with the SIKI event position it was built at."""
    async with sessions() as s, s.begin():
        await keep(s, user_id, application_id, action=action, no=no, request=request, command=command, answer=answer)


async def keep(s: AsyncSession, user_id: str, application_id: str, *, action: str, no: int, request: str,
               command: dict[str, Any], answer: dict[str, Any] | None = None) -> None:
    """:func:`remember` in the caller's transaction (it locks the application)."""
    app = await own_application(s, user_id, application_id, for_update=True)
    if app is not None:
        app.in_flight = {"action": action, "no": no, "request": request, "command": command,
                         "answer": answer, "seq": app.last_seq}


def settle(app: Application, action: str, no: int) -> None:
    """SIKI's acceptance of command ``no`` is being recorded: nothing is in flight any more."""
    if app.in_flight and app.in_flight.get("action") == action and int(app.in_flight.get("no", 0)) <= no:
        app.in_flight = None


async def send(sessions: async_sessionmaker[AsyncSession], user_id: str, application_id: str,
               call: Callable[[], Awaitable[None]]) -> None:
    """Send the kept command; forget it if SIKI refused it."""
    try:
        await call()
    except Unavailable:
        raise  # SIKI may have taken it: kept, a retry sends it again
    except DomainError:
        async with sessions() as s, s.begin():
            app = await own_application(s, user_id, application_id, for_update=True)
            if app is not None:
                app.in_flight = None
        raise
