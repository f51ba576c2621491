"""The register of SKK per NIK, fed by LPJK's ``skk.recorded`` events (it counts towards the
ownership limits of later submissions) and ``certificate.status_changed`` (suspended, reinstated,
revoked, superseded; the issuing LSP is told by webhook)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import register
from services.siki.domain.webhooks import certificate_status_key
from services.siki.usecases.context import Emit, utcnow
from services.siki.usecases.deliveries import request_delivery
from shared.contracts.events import CertificateStatusChanged, SkkRecorded
from shared.contracts.siki import CertificateStatusWebhookData
from shared.logging import get_logger

log = get_logger(__name__)


async def record_skk(s: AsyncSession, emit: Emit, event: SkkRecorded) -> None:
    """Enter the SKK in the register, once (in the consumer's transaction), with the status
    change that arrived before it, if any."""
    if await register.record_skk(s, event, utcnow()):
        log.info("SKK entered in the register", recording_number=event.recording_number,
                 application_id=event.application_id)
        await s.flush()
        parked = await register.take_parked_change(s, event.recording_number)
        if parked is not None:
            await change_status(s, emit, parked)


async def change_status(s: AsyncSession, emit: Emit, event: CertificateStatusChanged) -> None:
    """Apply LPJK's status change to the register if it is newer than the last applied, and tell
    the issuing LSP (``certificate.status_changed`` webhook, once per change), in the consumer's
    transaction. An older or repeated change changes and sends nothing; one for an SKK not in the
register yet is kept until it is."""
    try:
        row = await register.apply_status_change(s, event)
    except LookupError:
        # Its skk.recorded is still on its way (retrying would hold up that very event on the
        # application's lane): kept, and applied when the SKK is entered.
        await register.park_status_change(s, event)
        log.info("certificate status change for an SKK not yet in the register; kept",
                 recording_number=event.recording_number, seq=event.seq)
        return
    if row is None:
        log.info("certificate status change not newer; ignored", recording_number=event.recording_number,
                 seq=event.seq)
        return
    data = CertificateStatusWebhookData(
        application_id=row.application_id, recording_number=row.recording_number, skk_number=row.skk_number,
        seq=event.seq, status=event.status, previous_status=event.previous_status, reason=event.reason,
        at=event.at, superseded_by=event.superseded_by)
    await request_delivery(s, emit, application_id=row.application_id, lsp_code=row.lsp_code,
                           type_="certificate.status_changed", data=data.model_dump(mode="json"),
                           dedupe_key=certificate_status_key(row.recording_number, event.seq), now=utcnow())
    log.info("certificate status changed in the register", recording_number=row.recording_number,
             status=event.status.value, seq=event.seq, application_id=row.application_id)
