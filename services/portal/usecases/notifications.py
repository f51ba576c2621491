"""What the applicant is told: the notifications fed by SIKI's status events, and the emails the
portal asked for (sent once the transaction that asked committed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.repositories import own_notifications
from services.portal.usecases.common import utc
from services.portal.usecases.views import NotificationOut
from shared.contracts.events import EmailRequested
from shared.database import read_session
from shared.logging import get_logger

log = get_logger(__name__)

# send(to, subject, body, message_id); raises when the message could not be handed over.
SendEmail = Callable[[str, str, str, str], Awaitable[None]]


class Notifications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], send_email: SendEmail) -> None:
        self.sessions = sessions
        self.send_email = send_email

    async def list_own(self, user_id: str, *, limit: int, offset: int) -> tuple[list[NotificationOut], int]:
        """``list_notifications``: one page, newest first, and how many there are in all."""
        async with read_session(self.sessions) as s:
            rows, total = await own_notifications(s, user_id, limit=limit, offset=offset)
        return [NotificationOut(id=n.id, application_id=n.application_id, status=n.status, message=n.message,
                                created_at=utc(n.created_at)) for n in rows], total

    async def deliver(self, email: EmailRequested, event_id: str) -> None:
        """Send one requested email; a failure raises, and the bus delivers the request again."""
        # The event id as Message-ID: handed over again after a crash, it is the same message.
        await self.send_email(email.to, email.subject, email.body, event_id)
        log.info("email sent", subject=email.subject, event_id=event_id)
