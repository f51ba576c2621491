"""Named sequences that stay unique under concurrent transactions (PostgreSQL and SQLite)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.lpjk_mock.db.models import NumberCounter


async def next_value(session: AsyncSession, name: str) -> int:
    """The next value of counter ``name``, in the caller's transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or the database's write lock (SQLite)
    until the caller commits, so concurrent callers queue and each draws its own value; a
    transaction that rolls back gives its value back, so the sequence has no gaps either.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(NumberCounter).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"])
    )
    result = await session.execute(
        update(NumberCounter)
        .where(NumberCounter.name == name)
        .values(value=NumberCounter.value + 1)
        .returning(NumberCounter.value)
    )
    return int(result.scalar_one())
