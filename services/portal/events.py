"""What the portal service publishes and consumes on the bus.

Consumes:
- ``application.status_changed`` (queue ``portal``): SIKI's timeline mirrored into the
  application's status, timeline, invoice, certificate and reasons, plus a notification;
- ``portal.email_requested`` (queue ``portal.mail``): the portal's own emails, sent over SMTP
  after the transaction that asked for them committed; a failure raises and the bus retries.

Publishes ``portal.email_requested`` and ``portal.certificate_downloaded``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, User
from services.portal.db.repositories import add_timeline, last_timeline_entry, notify
from services.portal.domain.applications import (
    SELF_RECORDED,
    certificate_ready_email,
    should_apply,
    status_message,
)
from services.portal.mail import send_email
from services.portal.settings import PortalSettings
from shared.bus import EventEnvelope, utcnow
from shared.contracts.events import APPLICATION_STATUS_CHANGED, StatusChanged
from shared.contracts.states import ApplicationStatus
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)

EMAIL_REQUESTED = "portal.email_requested"
STATUS_QUEUE = "portal"
MAIL_QUEUE = "portal.mail"


def request_email(runtime: ServiceRuntime, session: AsyncSession, to: str, subject: str, body: str,
                  application_id: str | None = None) -> None:
    """Stage an email in the caller's transaction: it is sent only if that commits."""
    runtime.emit(session, EMAIL_REQUESTED, {"to": to, "subject": subject, "body": body},
                 application_id=application_id)


async def apply_status_changed(runtime: ServiceRuntime, session: AsyncSession, payload: dict[str, Any]) -> bool:
    """Mirror one SIKI timeline step; False when it is unknown here or not newer than the last."""
    ev = StatusChanged.model_validate(payload)
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
    last = await last_timeline_entry(session, app.id) if ev.status in SELF_RECORDED else None
    if last is not None and last.seq is None and last.status == ev.status.value:
        # The portal recorded this step itself when SIKI accepted the command: SIKI's event
        # confirms it rather than adding it twice.
        last.seq = ev.seq
        last.at = ev.at
        last.actor = ev.actor
        last.note = ev.note or last.note
    else:
        add_timeline(session, app.id, ev.status.value, ev.at, ev.actor, ev.note, ev.seq)
    notify(session, app.user_id, app.id, ev.status.value, status_message(ev.status, ev.note, ev.reasons), utcnow())
    if ev.status == ApplicationStatus.CERTIFICATE_ISSUED:
        user = await session.get(User, app.user_id)
        if user is not None:
            settings = runtime.settings
            public_url = settings.public_url if isinstance(settings, PortalSettings) else ""
            subject, body = certificate_ready_email(user.first_name, app.id, public_url)
            request_email(runtime, session, user.email, subject, body, application_id=app.id)
    return True


def register_consumers(runtime: ServiceRuntime) -> None:
    settings = runtime.settings
    assert isinstance(settings, PortalSettings)

    async def on_status_changed(session: AsyncSession, event: EventEnvelope) -> None:
        await apply_status_changed(runtime, session, event.payload)

    async def on_email_requested(_: AsyncSession, event: EventEnvelope) -> None:
        p = event.payload
        await send_email(settings, p["to"], p["subject"], p["body"])
        log.info("email sent", subject=p["subject"], event_id=event.id)

    runtime.consume(STATUS_QUEUE, [APPLICATION_STATUS_CHANGED], on_status_changed)
    runtime.consume(MAIL_QUEUE, [EMAIL_REQUESTED], on_email_requested)
