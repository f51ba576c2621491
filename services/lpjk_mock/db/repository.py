"""SKK records: data access only (find, add). The rules live in
``domain.records``; signing, the ``skk.recorded`` event and idempotency in ``usecases.records``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lpjk_mock.db.models import SkkRecord


class Duplicate(Exception):
    """The row breaks a unique constraint: another transaction stored its twin first."""


async def get(session: AsyncSession, recording_number: str) -> SkkRecord | None:
    return await session.get(SkkRecord, recording_number)


async def find_by_skk(session: AsyncSession, skk_number: str) -> SkkRecord | None:
    return (
        await session.execute(select(SkkRecord).where(SkkRecord.skk_number == skk_number))
    ).scalar_one_or_none()


async def add(session: AsyncSession, row: SkkRecord) -> SkkRecord:
    """Store ``row`` now (flush); :class:`Duplicate` if its SKK number is recorded already. The
    caller's transaction is then unusable and must roll back."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Duplicate(str(exc.orig)) from exc
    return row
