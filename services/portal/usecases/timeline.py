"""SIKI's timeline mirrored into the portal: each ``StatusChanged`` moves the application's
status, timeline, invoice, certificate and reasons, notifies the applicant and emails them
(``mail_templates.status_email``, one email per step, in the same transaction).

Only a newer step (SIKI's ``seq``) moves the status, so reordering cannot take an application
back; an older step that arrives late (after a newer one) still gets its timeline entry,
notification and email, shown in ``seq`` order (``domain.applications.in_timeline_order``), so
the applicant's timeline never misses a step. The inbox makes each event take effect once; a
step whose ``seq`` is already on the timeline is not written twice."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, TimelineEntry, User
from services.portal.db.repositories import add_timeline, last_timeline_entry, notify
from services.portal.domain.applications import (
    SELF_RECORDED,
    late_step,
    should_apply,
    status_message,
    timeline_note,
)
from services.portal.domain.certificate_status import keep_status
from services.portal.mail_templates import STATUS_TEMPLATES, status_email
from services.portal.usecases.common import Emit, request_email
from shared.bus import utcnow
from shared.contracts.events import StatusChanged
from shared.contracts.states import ApplicationStatus
from shared.logging import get_logger

log = get_logger(__name__)

# The application, locked, with what its step's email needs of its applicant: one round trip
# instead of a second read of the whole user (only the application's row is locked).
_APPLICATION_AND_APPLICANT = (
    select(Application, User.first_name, User.email)
    .outerjoin(User, User.id == Application.user_id)
    .where(Application.id == bindparam("application_id"))
    .with_for_update(of=Application)
    # As ``session.get(..., with_for_update=True)``: the row as locked, not a copy already loaded.
    .execution_options(populate_existing=True)
)


class StatusMirror:
    def __init__(self, emit: Emit, public_url: str) -> None:
        self.emit = emit
        self.public_url = public_url

    async def apply(self, session: AsyncSession, ev: StatusChanged) -> bool:
        """Mirror one SIKI timeline step; False when the application is unknown here or the step
        is already on its timeline."""
        found = (await session.execute(_APPLICATION_AND_APPLICANT, {"application_id": ev.application_id})).first()
        app = found.Application if found is not None else None
        if found is None or app is None:
            # Not an application of this portal (e.g. created through another front end): nothing to mirror.
            log.warning("status event for an unknown application", application_id=ev.application_id)
            return False
        if should_apply(app.last_seq, ev.seq):
            self._advance(app, ev)
            # Only a step the portal records itself can be waiting for SIKI's confirmation: for the
            # others there is nothing to look up.
            last = await last_timeline_entry(session, app.id) if ev.status in SELF_RECORDED else None
            pending = last if last is not None and last.seq is None and last.status == ev.status.value else None
        elif late_step(app.last_seq, ev.seq) and not await _has_step(session, app.id, ev.seq):
            # An older step after a newer one (a retry overtaken, a replayed event): recorded
            # in its place, the status stays as the newer step left it.
            log.info("late status step recorded", application_id=app.id, seq=ev.seq, last_seq=app.last_seq,
                     status=ev.status.value)
            pending = await _unconfirmed(session, app.id, ev.status.value) if ev.status in SELF_RECORDED else None
        else:
            return False
        note = timeline_note(ev.status, ev.note, list(ev.reasons), ev.assessment)
        if pending is not None:
            # The portal recorded this step itself when SIKI accepted the command: SIKI's event
            # confirms it rather than adding it twice.
            pending.seq = ev.seq
            pending.at = ev.at
            pending.actor = ev.actor
            pending.note = note or pending.note
        else:
            add_timeline(session, app.id, ev.status.value, ev.at, ev.actor, note, ev.seq)
        notify(session, app.user_id, app.id, ev.status.value,
               status_message(ev.status, ev.note, ev.reasons, assessment=ev.assessment, appeal_until=ev.appeal_until),
               utcnow())
        if found.email is not None:
            self._email(session, app, ev, first_name=found.first_name, email=found.email)
        return True

    @staticmethod
    def _advance(app: Application, ev: StatusChanged) -> None:
        app.last_seq = ev.seq
        app.status = ev.status.value
        app.updated_at = utcnow()
        if ev.lsp_code:
            app.lsp_code = ev.lsp_code
        if ev.invoice is not None:
            app.invoice = ev.invoice.model_dump(mode="json")
        if ev.certificate is not None:
            # LPJK's status of the certificate (certificate_status.py) stays, even if it came first.
            app.certificate = keep_status(app.certificate, ev.certificate.model_dump(mode="json"))
        if ev.reasons or ev.status in (ApplicationStatus.RETURNED, ApplicationStatus.PAYMENT_REJECTED):
            app.reasons = list(ev.reasons)

    def _email(self, session: AsyncSession, app: Application, ev: StatusChanged, *, first_name: str,
               email: str) -> None:
        """The step's email, staged in the outbox of the inbox's transaction: a redelivered
        event never gets here (the inbox; a step already on the timeline is skipped), so each
        step is emailed once."""
        if ev.status not in STATUS_TEMPLATES:
            return
        mail = status_email(ev, first_name=first_name, portal_url=self.public_url)
        if mail is not None:
            request_email(self.emit, session, email, mail.subject, mail.body, application_id=app.id)


async def _has_step(session: AsyncSession, application_id: str, seq: int) -> bool:
    """Whether SIKI's step ``seq`` is already on the application's timeline."""
    found = await session.execute(select(TimelineEntry.id).where(
        TimelineEntry.application_id == application_id, TimelineEntry.seq == seq).limit(1))
    return found.first() is not None


async def _unconfirmed(session: AsyncSession, application_id: str, status: str) -> TimelineEntry | None:
    """The oldest step of ``status`` the portal recorded itself and SIKI has not confirmed yet."""
    return (await session.execute(
        select(TimelineEntry).where(TimelineEntry.application_id == application_id,
                                    TimelineEntry.status == status, TimelineEntry.seq.is_(None))
        .order_by(TimelineEntry.id).limit(1)
    )).scalar_one_or_none()
