"""SIKI's timeline mirrored into the portal: each ``StatusChanged`` moves the application's
status, timeline, invoice, certificate and reasons, notifies the applicant and emails them
(``mail_templates.status_email``, one email per step, in the same transaction). Newer steps
only (SIKI's ``seq``), so redeliveries and reordering cannot take an application back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application
from services.portal.db.repositories import add_timeline, last_timeline_entry, notify, user_by_id
from services.portal.domain.applications import SELF_RECORDED, should_apply, status_message, timeline_note
from services.portal.mail_templates import STATUS_TEMPLATES, status_email
from services.portal.usecases.common import Emit, request_email
from shared.bus import utcnow
from shared.contracts.events import StatusChanged
from shared.contracts.states import ApplicationStatus
from shared.logging import get_logger

log = get_logger(__name__)


class StatusMirror:
    def __init__(self, emit: Emit, public_url: str) -> None:
        self.emit = emit
        self.public_url = public_url

    async def apply(self, session: AsyncSession, ev: StatusChanged) -> bool:
        """Mirror one SIKI timeline step; False when it is unknown here or not newer than the last."""
        app = await session.get(Application, ev.application_id, with_for_update=True)
        if app is None:
            # Not an application of this portal (e.g. created through another front end): nothing to mirror.
            log.warning("status event for an unknown application", application_id=ev.application_id)
            return False
        if not should_apply(app.last_seq, ev.seq):
            return False
        app.last_seq = ev.seq
        app.status = ev.status.value
        app.updated_at = utcnow()
        if ev.lsp_code:
            app.lsp_code = ev.lsp_code
        if ev.invoice is not None:
            app.invoice = ev.invoice.model_dump(mode="json")
        if ev.certificate is not None:
            app.certificate = ev.certificate.model_dump(mode="json")
        if ev.reasons or ev.status in (ApplicationStatus.RETURNED, ApplicationStatus.PAYMENT_REJECTED):
            app.reasons = list(ev.reasons)
        # Only a step the portal records itself can be waiting for SIKI's confirmation: for the
        # others there is nothing to look up.
        note = timeline_note(ev.status, ev.note, list(ev.reasons), ev.assessment)
        last = await last_timeline_entry(session, app.id) if ev.status in SELF_RECORDED else None
        if last is not None and last.seq is None and last.status == ev.status.value:
            # The portal recorded this step itself when SIKI accepted the command: SIKI's event
            # confirms it rather than adding it twice.
            last.seq = ev.seq
            last.at = ev.at
            last.actor = ev.actor
            last.note = note or last.note
        else:
            add_timeline(session, app.id, ev.status.value, ev.at, ev.actor, note, ev.seq)
        notify(session, app.user_id, app.id, ev.status.value,
               status_message(ev.status, ev.note, ev.reasons, assessment=ev.assessment, appeal_until=ev.appeal_until),
               utcnow())
        await self._email(session, app, ev)
        return True

    async def _email(self, session: AsyncSession, app: Application, ev: StatusChanged) -> None:
        """The step's email, staged in the outbox of the inbox's transaction: a redelivered or
        older event never gets here (``should_apply``), so each step is emailed once."""
        if ev.status not in STATUS_TEMPLATES:
            return
        user = await user_by_id(session, app.user_id)
        if user is None:
            return
        mail = status_email(ev, first_name=user.first_name, portal_url=self.public_url)
        if mail is not None:
            request_email(self.emit, session, user.email, mail.subject, mail.body, application_id=app.id)
