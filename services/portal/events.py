"""What the portal service publishes and consumes on the bus.

Consumes:
- ``StatusChanged`` (queue ``portal``): SIKI's timeline mirrored into the application's status,
  timeline, invoice, certificate and reasons, plus a notification (``usecases/timeline.py``);
- ``CertificateStatusChanged`` (queue ``portal``): LPJK's status of the certificate kept in the
  application's certificate, plus a notification and an email (``usecases/certificate_status.py``);
- ``EmailRequested`` (queue ``portal.mail``): the portal's own emails, sent over SMTP after the
  transaction that asked for them committed; a failure raises and the bus retries.

Publishes ``EmailRequested`` and ``CertificateDownloaded`` (through the outbox, from the use cases).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.usecases import PortalUseCases
from services.portal.usecases.certificate_status import CertificateStatusMirror
from shared.bus import EventEnvelope
from shared.contracts.events import CertificateStatusChanged, EmailRequested, StatusChanged
from shared.inbox import Claim
from shared.runtime import ServiceRuntime

STATUS_QUEUE = StatusChanged.queues[0]  # "portal"
MAIL_QUEUE = EmailRequested.queues[0]  # "portal.mail"


def register_consumers(runtime: ServiceRuntime, usecases: PortalUseCases) -> None:
    # The same ports as SIKI's timeline mirror (the outbox, the portal's public URL).
    certificate_status = CertificateStatusMirror(usecases.status_mirror.emit, usecases.status_mirror.public_url)

    async def on_status_changed(session: AsyncSession, event: StatusChanged, _: EventEnvelope) -> None:
        await usecases.status_mirror.apply(session, event)

    async def on_certificate_status_changed(session: AsyncSession, event: CertificateStatusChanged,
                                            _: EventEnvelope) -> None:
        await certificate_status.apply(session, event)

    async def on_email_requested(_: AsyncSession, email: EmailRequested, envelope: EventEnvelope) -> None:
        await usecases.notifications.deliver(email, envelope.id)

    async def first_try(envelope: EventEnvelope, claim: Claim) -> bool | None:
        if not StatusChanged.matches(envelope.type):
            return None
        step = StatusChanged.model_validate(envelope.payload)
        return await usecases.status_mirror.apply_alone(runtime.sessions, step, claim)

    # Both effects write only rows and outbox events: the status step carries the inbox's claim
    # in its first read (one round trip fewer per step), and most steps are first tried as one
    # statement outside any transaction (two fewer).
    runtime.consume(STATUS_QUEUE, {StatusChanged: on_status_changed,
                                   CertificateStatusChanged: on_certificate_status_changed},
                    claims_in_effect=True, first_try=first_try)
    runtime.consume(MAIL_QUEUE, {EmailRequested: on_email_requested})
