"""Appealing a Belum Kompeten decision through SIKI (the appeal number as idempotency key),
within the appeal window (``shared/deadlines.py``): checked here before SIKI is called, and by
SIKI again (authoritative)."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import add_timeline, own_application, own_application_fields, timeline
from services.portal.domain.applications import APPEAL_ALLOWED, APPLICANT_ACTOR, require_status
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases import in_flight
from services.portal.usecases.common import found
from services.portal.usecases.views import ApplicationOut, application_view, own_view
from shared.bus import utcnow
from shared.contracts.siki import AppealSubmission
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.deadlines import AppealWindowClosed, appeal_last_day, wib
from shared.idempotency_marks import remember, replayed

S = ApplicationStatus


class Appeals:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], siki: SikiGateway, *, window_working_days: int = 5,
                 calendar: Callable[[], Container[date]] | None = None) -> None:
        """``calendar``: builds the Indonesian holidays when first needed (none: weekends only)."""
        self.sessions = sessions
        self.siki = siki
        self.window_working_days = window_working_days
        self._calendar_factory = calendar
        self._calendar: Container[date] | None = None

    def _holidays(self) -> Container[date]:
        if self._calendar is None:
            self._calendar = self._calendar_factory() if self._calendar_factory else frozenset()
        return self._calendar

    def last_day(self, decided_at: datetime) -> date:
        return appeal_last_day(decided_at, self.window_working_days, self._holidays())

    async def file(self, user_id: str, application_id: str, reason: str) -> ApplicationOut:
        """``file_appeal``: sent to SIKI, then the application is ``appealed``. The same appeal again
        while it is in flight sends that one again (usecases/in_flight.py)."""
        notes = replayed()
        if notes is not None and notes.get("appeal_no"):
            # This very request (same Idempotency-Key) recorded the appeal in an attempt that died
            # before answering: the application as it is now, not "cannot appeal while appealed".
            return await own_view(self.sessions, user_id, application_id)
        async with read_session(self.sessions) as s:
            current = found(await own_application_fields(s, user_id, application_id, Application.status,
                                                          Application.appeals_filed, Application.in_flight,
                                                          Application.last_seq))
            request = in_flight.fingerprint(reason)
            again = in_flight.resendable(current, "appeal", request,
                                         allowed_now=current.status in {x.value for x in APPEAL_ALLOWED})
            if again is None:
                require_status(current.status, APPEAL_ALLOWED, "file an appeal")
                decided = [e.at for e in await timeline(s, application_id)
                           if e.status == S.NOT_YET_COMPETENT.value]
        if again is not None:
            appeal_no = int(again["no"])
            appeal = AppealSubmission.model_validate(again["command"])
        else:
            now = utcnow()
            if decided:
                # The latest Belum Kompeten decision (a reassessment after an upheld appeal may decide again).
                last_day = self.last_day(decided[-1])
                if wib(now).date() > last_day:
                    raise AppealWindowClosed(last_day, self.window_working_days)
            appeal_no = in_flight.next_number(current.in_flight, "appeal", current.appeals_filed)
            appeal = AppealSubmission(reason=reason, filed_at=now)
            await in_flight.remember(self.sessions, user_id, application_id, action="appeal", no=appeal_no,
                                     request=request, command=appeal.model_dump(mode="json"))
        await in_flight.send(self.sessions, user_id, application_id,
                             lambda: self.siki.file_appeal(application_id, appeal, appeal_no))
        async with self.sessions() as s, s.begin():
            app = found(await own_application(s, user_id, application_id, for_update=True))
            in_flight.settle(app, "appeal", appeal_no)
            remember(appeal_no=appeal_no)  # committed with the appeal it records
            if app.appeals_filed < appeal_no:
                app.appeals_filed = appeal_no
                if app.status in {x.value for x in APPEAL_ALLOWED}:
                    app.status = S.APPEALED.value
                    app.updated_at = appeal.filed_at
                    add_timeline(s, app.id, S.APPEALED.value, appeal.filed_at, APPLICANT_ACTOR, "banding diajukan")
            await s.flush()
            return await application_view(s, app)
