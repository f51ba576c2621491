"""SKK records: data access only (find, add). The rules live in
``domain.records``; signing, the ``skk.recorded`` event and idempotency in ``usecases.records``."""

from __future__ import annotations

from sqlalchemy import BindParameter, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lpjk_mock.db.models import SkkRecord


class Duplicate(Exception):
    """The row breaks a unique constraint: another transaction stored its twin first."""


async def get(session: AsyncSession, recording_number: str) -> SkkRecord | None:
    return await session.get(SkkRecord, recording_number)


async def get_for_update(session: AsyncSession, recording_number: str) -> SkkRecord | None:
    """The record, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return (await session.execute(
        select(SkkRecord).where(SkkRecord.recording_number == recording_number).with_for_update()
    )).scalar_one_or_none()


async def find_by_skk(session: AsyncSession, skk_number: str) -> SkkRecord | None:
    """The current (not superseded) certificate of an SKK number: there is at most one."""
    return (
        await session.execute(select(SkkRecord).where(SkkRecord.skk_number == skk_number,
                                                      SkkRecord.status != _status("superseded")))
    ).scalar_one_or_none()


async def index_taken(session: AsyncSession, index: int) -> bool:
    return (await session.execute(
        select(SkkRecord.recording_number).where(SkkRecord.status_list_index == index)
    )).first() is not None


async def indexes_with_status(session: AsyncSession, status: str) -> list[int]:
    """The status-list indexes of the certificates standing ``status`` (for a status list)."""
    return list((await session.execute(
        select(SkkRecord.status_list_index).where(SkkRecord.status == _status(status))
    )).scalars())


async def add(session: AsyncSession, row: SkkRecord) -> SkkRecord:
    """Store ``row`` now (flush); :class:`Duplicate` if its SKK number is recorded already. The
    caller's transaction is then unusable and must roll back."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Duplicate(str(exc.orig)) from exc
    return row


def _status(value: str) -> BindParameter[str]:
    """``value`` written into the SQL rather than bound: the partial indexes on ``status``
    (models.CURRENT, models.LISTED) serve the query only so (a generic plan knows no parameter's
    value). One of the few statuses, never the caller's text."""
    return literal(value, literal_execute=True)
