"""Queries of renewals and changes (``usecases/renewals.py``, ``usecases/reminders.py``): the
user's applications that issued a given SKK, and those naming it as their previous SKK."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application


async def issuing_applications(session: AsyncSession, user_id: str, skk_number: str | None,
                               statuses: Collection[str]) -> list[Application]:
    """The user's applications in ``statuses`` whose certificate carries ``skk_number`` (any: None), newest
    first (a change keeps the number: the newest one holds the SKK now). The certificate is
    plain JSON: filtered here rather than in SQL, a user holds a handful of applications."""
    rows = (await session.execute(
        select(Application).where(Application.user_id == user_id, Application.status.in_(list(statuses)),
                                  Application.certificate.is_not(None))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )).scalars().all()
    return [a for a in rows if skk_number is None or (a.certificate or {}).get("skk_number") == skk_number]


async def naming_skk(session: AsyncSession, user_id: str, skk_number: str) -> Sequence[Application]:
    """The user's renewals and changes naming ``skk_number`` as the SKK they are about."""
    return (await session.execute(
        select(Application).where(Application.user_id == user_id, Application.previous_skk_number == skk_number)
        .order_by(Application.created_at, Application.id)
    )).scalars().all()
