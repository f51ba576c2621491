"""What the siki service publishes and consumes on the bus.

Publishes ``application.status_changed`` (every timeline entry) and ``siki.webhook_requested``
(a webhook to deliver). Consumes, on queue ``siki``, LPJK's ``skk.recorded`` (the register of SKK
per NIK) and the portal's ``portal.certificate_downloaded`` (completes the application); on
queue ``siki.webhooks`` its own ``siki.webhook_requested``, one delivery attempt per event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.models import InboxEntry
from services.siki.service import Siki
from shared.bus import Delivery, EventEnvelope, RetryPolicy
from shared.contracts.events import CERTIFICATE_DOWNLOADED, SKK_RECORDED, WEBHOOK_REQUESTED
from shared.outbox import handle_once
from shared.runtime import ServiceRuntime

SIKI_QUEUE = "siki"
WEBHOOK_QUEUE = "siki.webhooks"


def register_consumers(runtime: ServiceRuntime, siki: Siki) -> None:
    settings = siki.settings

    async def effect(session: AsyncSession, event: EventEnvelope) -> None:
        if event.type == SKK_RECORDED:
            await siki.on_skk_recorded(session, event)
        elif event.type == CERTIFICATE_DOWNLOADED:
            await siki.on_certificate_downloaded(session, event)

    def locked(queue: str) -> Callable[[EventEnvelope, Delivery], Awaitable[None]]:
        # The inbox makes each event take effect once; the application's lock is taken before
        # the transaction opens, the same order the HTTP commands use.
        async def handler(event: EventEnvelope, _: Delivery) -> None:
            async with siki.app_locks.hold(event.application_id or event.payload.get("application_id")):
                await handle_once(runtime.sessions, InboxEntry, queue, event, effect)

        return handler

    runtime.consume(SIKI_QUEUE, [SKK_RECORDED, CERTIFICATE_DOWNLOADED], effect, raw=locked(SIKI_QUEUE))
    # Not through the inbox: a failed attempt must run again, and an operator's redelivery is a
    # new event. The delivery row's status makes it idempotent instead.
    runtime.consume(
        WEBHOOK_QUEUE, [WEBHOOK_REQUESTED], effect, raw=siki.deliver_webhook,
        policy=RetryPolicy(settings.webhook_max_attempts, settings.webhook_retry_base_seconds,
                           settings.webhook_retry_max_seconds),
    )
