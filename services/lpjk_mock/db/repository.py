"""SKK records: data access only (find, draw a sequence value, add). The rules live in
``domain.records``; signing, the ``skk.recorded`` event and idempotency in ``usecases.records``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lpjk_mock.db.models import NumberCounter, SkkRecord
from shared.sequences import next_value


class Duplicate(Exception):
    """The row breaks a unique constraint: another transaction stored its twin first."""


async def get(session: AsyncSession, recording_number: str) -> SkkRecord | None:
    return await session.get(SkkRecord, recording_number)


async def find_by_skk(session: AsyncSession, skk_number: str) -> SkkRecord | None:
    return (
        await session.execute(select(SkkRecord).where(SkkRecord.skk_number == skk_number))
    ).scalar_one_or_none()


async def next_seq(session: AsyncSession, counter: str) -> int:
    """The next value of LPJK's register sequence ``counter``, under its row lock until commit."""
    return await next_value(session, NumberCounter, counter)


async def add(session: AsyncSession, row: SkkRecord) -> SkkRecord:
    """Store ``row`` now (flush); :class:`Duplicate` if its SKK number is recorded already. The
    caller's transaction is then unusable and must roll back."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Duplicate(str(exc.orig)) from exc
    return row
