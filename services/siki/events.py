"""What the siki service publishes and consumes on the bus.

Publishes ``application.status_changed`` (every timeline entry) and ``siki.webhook_requested``
(a webhook to deliver). Consumes, on queue ``siki``, LPJK's ``skk.recorded`` (the register of SKK
per NIK) and ``certificate.status_changed`` (the SKK's status in the register, relayed to the
issuing LSP by webhook), and the portal's ``portal.certificate_downloaded`` (completes the application); on
queue ``siki.webhooks`` its own ``siki.webhook_requested``, one delivery attempt per event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.models import InboxEntry
from services.siki.settings import SikiSettings
from services.siki.usecases.applicant import complete_on_download
from services.siki.usecases.context import SikiContext
from services.siki.usecases.deliveries import WebhookPoster, attempt_delivery
from services.siki.usecases.skk_register import change_status, record_skk
from shared.bus import Delivery, EventEnvelope, RetryPolicy
from shared.contracts.events import CertificateDownloaded, CertificateStatusChanged, SkkRecorded, WebhookRequested
from shared.inbox import handle_once
from shared.runtime import ServiceRuntime

SIKI_QUEUE = "siki"
WEBHOOK_QUEUE = "siki.webhooks"


def register_consumers(runtime: ServiceRuntime, siki: SikiContext, poster: WebhookPoster,
                       settings: SikiSettings) -> None:
    async def once(envelope: EventEnvelope, application_id: str,
                   effect: Callable[[AsyncSession], Awaitable[None]]) -> None:
        # The inbox makes each event take effect once; the application's lock is taken before
        # the transaction opens, the same order the HTTP commands use.
        async with siki.app_locks.hold(envelope.application_id or application_id):
            await handle_once(runtime.sessions, InboxEntry, SIKI_QUEUE, envelope, lambda s, _: effect(s))

    async def on_skk_recorded(event: SkkRecorded, envelope: EventEnvelope, _: Delivery) -> None:
        await once(envelope, event.application_id, lambda s: record_skk(s, siki.emit, event))

    async def on_certificate_status_changed(event: CertificateStatusChanged, envelope: EventEnvelope,
                                            _: Delivery) -> None:
        await once(envelope, event.application_id, lambda s: change_status(s, siki.emit, event))

    async def on_certificate_downloaded(event: CertificateDownloaded, envelope: EventEnvelope, _: Delivery) -> None:
        await once(envelope, event.application_id, lambda s: complete_on_download(siki, s, event))

    async def on_webhook_requested(event: WebhookRequested, _: EventEnvelope, delivery: Delivery) -> None:
        await attempt_delivery(siki, poster, event.delivery_id, attempt=delivery.attempt,
                               last_attempt=delivery.is_last_attempt)

    runtime.consume_raw(SIKI_QUEUE, {SkkRecorded: on_skk_recorded,
                                     CertificateStatusChanged: on_certificate_status_changed,
                                     CertificateDownloaded: on_certificate_downloaded})
    # Not through the inbox: a failed attempt must run again, and an operator's redelivery is a
    # new event. The delivery row's status makes it idempotent instead.
    runtime.consume_raw(WEBHOOK_QUEUE, {WebhookRequested: on_webhook_requested}, policy=RetryPolicy(
        settings.webhook_max_attempts, settings.webhook_retry_base_seconds, settings.webhook_retry_max_seconds))
