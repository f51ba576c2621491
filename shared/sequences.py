"""Named sequences (``skk:2026``, ``record:2026``) that stay unique and gap-free under
concurrent transactions, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.dialects import session_insert


class CounterMixin:
    """Mix into a service's declarative base: ``class NumberCounter(CounterMixin, Base): pass``."""

    __tablename__ = "number_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


async def next_value(session: AsyncSession, model: type[CounterMixin], name: str) -> int:
    """The next value of counter ``name``, in the caller's transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or the database's write lock (SQLite)
    until the caller commits, so concurrent callers queue and each draws its own value; a
    transaction that rolls back gives its value back, so the sequence has no gaps either.
    """
    # One statement (one round trip): the first draw inserts 1; any later one conflicts and
    # takes the row's lock to add one, as an UPDATE would.
    insert = session_insert(session)
    stmt = insert(model).values(name=name, value=1)
    result = await session.execute(
        stmt.on_conflict_do_update(index_elements=["name"], set_={"value": model.value + 1})
        .returning(model.value)
    )
    return int(result.scalar_one())
