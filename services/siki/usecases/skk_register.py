"""The register of SKK per NIK, fed by LPJK's ``skk.recorded`` events (it counts towards the
ownership limits of later submissions)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import register
from services.siki.usecases.context import utcnow
from shared.contracts.events import SkkRecorded
from shared.logging import get_logger

log = get_logger(__name__)


async def record_skk(s: AsyncSession, event: SkkRecorded) -> None:
    """Enter the SKK in the register, once (in the consumer's transaction)."""
    if await register.record_skk(s, event, utcnow()):
        log.info("SKK entered in the register", recording_number=event.recording_number,
                 application_id=event.application_id)
