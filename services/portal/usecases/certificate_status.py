"""LPJK's ``certificate.status_changed`` mirrored into the portal: the status goes inside the
application's ``certificate`` JSON (``domain/certificate_status.py``), the holder gets a
notification and one email (through the outbox, Message-ID the email event's id).

The application's own status is SIKI's and does not move. Only a newer change (LPJK's ``seq``)
is kept, notified and emailed: a redelivered event is stopped by the inbox, the same change
published again or an older one overtaken by a newer one by its ``seq``, so the holder is told
each change once and never about a stale one after a newer one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application
from services.portal.db.repositories import notify, user_by_id
from services.portal.domain.certificate_status import change_applies, status_message, with_status
from services.portal.mail_templates import render_email
from services.portal.usecases.common import Emit, request_email
from shared.bus import utcnow
from shared.contracts.events import CertificateStatusChanged
from shared.logging import get_logger

log = get_logger(__name__)


class CertificateStatusMirror:
    def __init__(self, emit: Emit, public_url: str) -> None:
        self.emit = emit
        self.public_url = public_url.rstrip("/")

    async def apply(self, session: AsyncSession, ev: CertificateStatusChanged) -> bool:
        """Keep one change of the certificate's status; False when the application is not this
        portal's or the change is not newer than the one kept."""
        app = await session.get(Application, ev.application_id, with_for_update=True)
        if app is None:
            log.warning("certificate status event for an unknown application", application_id=ev.application_id)
            return False
        if not change_applies(app.certificate, ev.seq):
            log.info("certificate status change not newer; ignored", application_id=app.id, seq=ev.seq)
            return False
        # A new dict: SQLAlchemy sees the JSON column change only on assignment.
        app.certificate = with_status(app.certificate, status=ev.status, reason=ev.reason, seq=ev.seq,
                                      superseded_by=ev.superseded_by)
        message = status_message(ev.status, skk_number=ev.skk_number, reason=ev.reason,
                                 superseded_by=ev.superseded_by, previous=ev.previous_status)
        notify(session, app.user_id, app.id, f"certificate.{ev.status.value}", message, utcnow())
        user = await user_by_id(session, app.user_id)
        if user is not None:
            mail = render_email("certificate_status", status=ev.status.value, first_name=user.first_name,
                                message=message, recording_number=ev.recording_number, application_id=app.id,
                                portal_url=self.public_url)
            request_email(self.emit, session, user.email, mail.subject, mail.body, application_id=app.id)
        log.info("certificate status mirrored", application_id=app.id, seq=ev.seq, status=ev.status.value)
        return True
