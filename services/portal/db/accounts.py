"""Queries of the account tables: the emailed one-time links (activation, password reset; the
two tables have the same shape) and the token version that ends sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.portal.db.models import ActivationToken, PasswordResetToken, User

LinkModel = type[ActivationToken] | type[PasswordResetToken]


def add_link(session: AsyncSession, model: LinkModel, token_hash: str, user_id: str, expires_at: datetime) -> None:
    session.add(model(token_hash=token_hash, user_id=user_id, expires_at=expires_at))


async def link(session: AsyncSession, model: LinkModel, token_hash: str) -> ActivationToken | PasswordResetToken | None:
    return await session.get(model, token_hash)


async def alive_links(session: AsyncSession, model: LinkModel, user_id: str,
                      now: datetime) -> list[tuple[str, datetime]]:
    """The user's links that could still be used: (hash, expires_at)."""
    rows = (await session.execute(select(model.token_hash, model.expires_at).where(
        model.user_id == user_id, model.used_at.is_(None), model.expires_at > now))).all()
    return [(r.token_hash, r.expires_at) for r in rows]


async def void_links(session: AsyncSession, model: LinkModel, user_id: str, now: datetime,
                     token_hashes: list[str] | None = None) -> None:
    """Mark the user's unused links used: those named, or all of them."""
    stmt = update(model).where(model.user_id == user_id, model.used_at.is_(None))
    if token_hashes is not None:
        if not token_hashes:
            return
        stmt = stmt.where(model.token_hash.in_(token_hashes))
    await session.execute(stmt.values(used_at=now))


async def use_link(session: AsyncSession, model: LinkModel, token_hash: str, now: datetime) -> bool:
    """Mark the link used; False when it already was (conditional, so two racing requests use it once)."""
    used = await session.execute(update(model)
                                 .where(model.token_hash == token_hash, model.used_at.is_(None))
                                 .values(used_at=now))
    return getattr(used, "rowcount", 0) == 1


async def bump_token_version(session: AsyncSession, user_id: str) -> int:
    """End every session of the user: tokens minted under the old version are refused. The new version."""
    row = (await session.execute(update(User).where(User.id == user_id)
                                 .values(token_version=User.token_version + 1)
                                 .returning(User.token_version))).first()
    if row is None:
        raise LookupError(user_id)
    return int(row[0])


async def session_state(session: AsyncSession | AsyncConnection,
                        user_id: str) -> Row[datetime | None, int] | None:
    """(verified_at, token_version) of the user, read without loading the row (on a session or
    a plain connection)."""
    return (await session.execute(select(User.verified_at, User.token_version).where(User.id == user_id))).first()
