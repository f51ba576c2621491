"""Queries of the NIK bindings (keyed hashes only: the callers compute ``nik_key``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, NikBinding, NikBindingAudit
from shared.dialects import session_insert

# The bound account, as the row holds it: what a conflicting claim sets (nothing changes).
_BOUND_TO = NikBinding.__table__.c.user_id


async def claim(session: AsyncSession, key: str, user_id: str, now: datetime) -> str:
    """Bind ``key`` to ``user_id`` unless it is bound already; the account it is bound to now.

    One statement: an INSERT whose conflict leaves the row as it is (``user_id`` set to itself)
    and returns the account it names. The primary key decides between two accounts claiming at
    once (PostgreSQL makes the second wait for the first to commit, then returns the row that
    one committed; SQLite serialises writers), so exactly one account ends up bound whatever the
    interleaving."""
    insert = session_insert(session)
    statement = (insert(NikBinding).values(nik_key=key, user_id=user_id, bound_at=now)
                 .on_conflict_do_update(index_elements=["nik_key"], set_={"user_id": _BOUND_TO})
                 .returning(NikBinding.user_id))
    return str((await session.execute(statement)).scalar_one())


async def owner(session: AsyncSession, key: str, *, for_update: bool = False) -> str | None:
    """The account ``key`` is bound to (its row locked with ``for_update``), None if unbound."""
    stmt = select(NikBinding.user_id).where(NikBinding.nik_key == key)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def move(session: AsyncSession, key: str, user_id: str, now: datetime) -> None:
    """The operator's rebind: the binding is the account's from now on, and fixed."""
    await session.execute(update(NikBinding).where(NikBinding.nik_key == key)
                          .values(user_id=user_id, bound_at=now, fixed_at=now))


async def fix(session: AsyncSession, key: str, user_id: str, now: datetime) -> None:
    """The account sent SIKI an application with this NIK: the binding stays from now on."""
    await session.execute(update(NikBinding)
                          .where(NikBinding.nik_key == key, NikBinding.user_id == user_id,
                                 NikBinding.fixed_at.is_(None))
                          .values(fixed_at=now))


async def release(session: AsyncSession, key: str, user_id: str) -> bool:
    """Drop the account's binding of ``key`` unless it was fixed; True if it was dropped."""
    gone = await session.execute(delete(NikBinding).where(
        NikBinding.nik_key == key, NikBinding.user_id == user_id, NikBinding.fixed_at.is_(None)))
    return getattr(gone, "rowcount", 0) == 1


async def niks_of(session: AsyncSession, user_id: str) -> set[str]:
    """The NIKs the account's applications name in their personal section."""
    rows = (await session.execute(select(Application.sections).where(Application.user_id == user_id))).scalars()
    niks: set[str] = set()
    for sections in rows:
        personal: Any = (sections or {}).get("personal") if isinstance(sections, dict) else None
        if isinstance(personal, dict) and personal.get("nik"):
            niks.add(str(personal["nik"]))
    return niks


def audit(session: AsyncSession, **row: Any) -> NikBindingAudit:
    entry = NikBindingAudit(**row)
    session.add(entry)
    return entry
