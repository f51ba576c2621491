"""The NIK's binding to one portal account and the audit of rebindings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Insert, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.models import NikBinding, NikBindingAudit
from shared.staged_rows import Shaped, execute_with

# The NIK is bound to ``nik_index`` (shared/crypto.py BlindIndex): the database sees its keyed hash.
_BOUND = select(NikBinding.account_id).where(NikBinding.nik_index == bindparam("nik"))


async def bound_account(s: AsyncSession, nik: str) -> str | None:
    return (await s.execute(_BOUND, {"nik": nik})).scalar_one_or_none()


async def bind(s: AsyncSession, nik: str, account_id: str, now: datetime, *also: Insert | Shaped) -> None:
    """Bind the NIK to ``account_id`` (and insert ``also`` in the same statement)."""
    await execute_with(s, insert(NikBinding).values(nik_index=nik, nik=nik, account_id=account_id, bound_at=now),
                       also)


async def rebind(s: AsyncSession, nik: str, account_id: str, *, old_account_id: str | None, nik_masked: str,
                 actor: str, reason: str | None, now: datetime) -> None:
    """Bind the NIK to ``account_id`` (it was bound to ``old_account_id``) and audit it."""
    if old_account_id is None:
        await bind(s, nik, account_id, now)
    else:
        await s.execute(update(NikBinding).where(NikBinding.nik_index == nik)
                        .values(account_id=account_id, bound_at=now))
    await s.execute(insert(NikBindingAudit).values(
        nik_masked=nik_masked, old_account_id=old_account_id, new_account_id=account_id, actor=actor, reason=reason,
        at=now))
