"""Queries of the expiry reminders (``usecases/reminders.py``): the issued certificates to look
at, page by page, and the reminders already sent for one."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, ExpiryReminder


async def issued_certificates(session: AsyncSession, statuses: list[str], *, after: str,
                              limit: int) -> list[tuple[str, dict[str, Any] | None]]:
    """(application id, certificate) of applications whose certificate was issued, in id order
    from ``after`` (keyset paging: rows added meanwhile neither shift nor repeat a page)."""
    rows = await session.execute(
        select(Application.id, Application.certificate)
        .where(Application.status.in_(statuses), Application.certificate.is_not(None), Application.id > after)
        .order_by(Application.id).limit(limit))
    return [(r[0], r[1]) for r in rows.all()]


async def sent_thresholds(session: AsyncSession, application_id: str) -> set[int]:
    rows = await session.execute(
        select(ExpiryReminder.threshold_days).where(ExpiryReminder.application_id == application_id))
    return {int(r[0]) for r in rows.all()}


async def sent_on(session: AsyncSession, as_of: date, since: datetime) -> list[ExpiryReminder]:
    """The reminders of sweeps as of ``as_of`` written from ``since`` on, in the sweep's order."""
    rows = await session.execute(
        select(ExpiryReminder).where(ExpiryReminder.as_of == as_of, ExpiryReminder.sent_at >= since)
        .order_by(ExpiryReminder.application_id, ExpiryReminder.threshold_days))
    return list(rows.scalars().all())


def add_reminder(session: AsyncSession, application_id: str, threshold_days: int, skk_number: str,
                 valid_until: date, as_of: date, at: datetime) -> None:
    session.add(ExpiryReminder(id=str(uuid.uuid4()), application_id=application_id, threshold_days=threshold_days,
                               skk_number=skk_number, valid_until=valid_until, as_of=as_of, sent_at=at))
