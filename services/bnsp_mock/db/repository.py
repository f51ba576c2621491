"""Issuances: data access only (find, draw a sequence value, add). The rules live in
``domain.numbers``, the transaction and the idempotency in ``usecases.issuances``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.bnsp_mock.db.models import Issuance, NumberCounter
from shared.sequences import next_value


class Duplicate(Exception):
    """The row breaks a unique constraint: another transaction stored its twin first."""


async def find(session: AsyncSession, lsp_code: str, application_id: str) -> Issuance | None:
    return (
        await session.execute(
            select(Issuance).where(Issuance.lsp_code == lsp_code, Issuance.application_id == application_id)
        )
    ).scalar_one_or_none()


async def latest_with_skk(session: AsyncSession, skk_number: str) -> Issuance | None:
    """The latest issuance carrying ``skk_number`` (a change adds one more under the same number)."""
    return (
        await session.execute(
            select(Issuance).where(Issuance.skk_number == skk_number).order_by(Issuance.id.desc()).limit(1)
        )
    ).scalar_one_or_none()


async def next_seq(session: AsyncSession, counter: str) -> int:
    """The next value of BNSP's register sequence ``counter``, under its row lock until commit."""
    return await next_value(session, NumberCounter, counter)


async def add(session: AsyncSession, row: Issuance) -> Issuance:
    """Store ``row`` now (flush); :class:`Duplicate` if its (lsp_code, application_id) or a number
    is taken. The caller's transaction is then unusable and must roll back."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Duplicate(str(exc.orig)) from exc
    return row
