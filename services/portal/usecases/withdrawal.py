"""Withdrawing an application before the LSP decides (SPEC section 8, ``withdraw_application``):
sent to SIKI (which frees its place under the ownership limits and tells the LSP), then recorded
on the portal's timeline. A repeat once withdrawn answers the application as it is."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import add_timeline, own_application, own_application_fields
from services.portal.domain.applications import APPLICANT_ACTOR, WITHDRAWABLE, require_status
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases.common import found
from services.portal.usecases.views import ApplicationOut, application_view
from shared.bus import utcnow
from shared.contracts.siki import WithdrawalSubmission
from shared.contracts.states import ApplicationStatus
from shared.database import read_session

S = ApplicationStatus


class Withdrawal:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], siki: SikiGateway) -> None:
        self.sessions = sessions
        self.siki = siki

    async def withdraw(self, user_id: str, application_id: str, reason: str | None) -> ApplicationOut:
        async with read_session(self.sessions) as s:
            current = found(await own_application_fields(s, user_id, application_id, Application.status))
            if current.status != S.WITHDRAWN.value:
                require_status(current.status, WITHDRAWABLE, "withdraw the application")
        if current.status != S.WITHDRAWN.value:
            # SIKI refuses (409) if the LSP decided meanwhile; unreachable: 503, nothing changed.
            await self.siki.withdraw_application(application_id, WithdrawalSubmission(reason=reason))
        now = utcnow()
        async with self.sessions() as s, s.begin():
            app = found(await own_application(s, user_id, application_id, for_update=True))
            if app.status in {x.value for x in WITHDRAWABLE}:
                app.status = S.WITHDRAWN.value
                app.updated_at = now
                note = "permohonan ditarik oleh pemohon" + (f": {reason}" if reason else "")
                add_timeline(s, app.id, S.WITHDRAWN.value, now, APPLICANT_ACTOR, note)
                await s.flush()
            return await application_view(s, app)
