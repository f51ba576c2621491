"""Appealing a Belum Kompeten decision through SIKI (the appeal number as idempotency key)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import add_timeline, own_application, own_application_fields
from services.portal.domain.applications import APPEAL_ALLOWED, APPLICANT_ACTOR, require_status
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases.common import found
from services.portal.usecases.views import ApplicationOut, application_view
from shared.bus import utcnow
from shared.contracts.siki import AppealSubmission
from shared.contracts.states import ApplicationStatus

S = ApplicationStatus


class Appeals:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], siki: SikiGateway) -> None:
        self.sessions = sessions
        self.siki = siki

    async def file(self, user_id: str, application_id: str, reason: str) -> ApplicationOut:
        """``file_appeal``: sent to SIKI, then the application is ``appealed``."""
        async with self.sessions() as s:
            current = found(await own_application_fields(s, user_id, application_id,
                                                          Application.status, Application.appeals_filed))
            require_status(current.status, APPEAL_ALLOWED, "file an appeal")
            appeal_no = current.appeals_filed + 1
        now = utcnow()
        await self.siki.file_appeal(application_id, AppealSubmission(reason=reason, filed_at=now), appeal_no)
        async with self.sessions() as s, s.begin():
            app = found(await own_application(s, user_id, application_id, for_update=True))
            if app.appeals_filed < appeal_no:
                app.appeals_filed = appeal_no
                if app.status in {x.value for x in APPEAL_ALLOWED}:
                    app.status = S.APPEALED.value
                    app.updated_at = now
                    add_timeline(s, app.id, S.APPEALED.value, now, APPLICANT_ACTOR, "banding diajukan")
                await s.flush()
            return await application_view(s, app)
