"""A transaction whose ``BEGIN`` carries its first statements: one round trip to PostgreSQL where
the driver's own ``BEGIN`` and each of those statements took one.

asyncpg sends ``BEGIN`` by itself before a transaction's first statement. A statement without
parameters can go in the same simple query, and a transaction that must start with one gains a
round trip: a locked transaction's advisory locks (``shared/dblocks.py``), an event's claim in
the inbox (``shared/inbox.py``). Only literals we made or checked go into that text (integers,
names of our own, values matching :data:`SAFE_LITERAL`); anything else takes the usual path.

The session's connection then runs in the driver's autocommit mode, so the driver sends no
``BEGIN`` or ``COMMIT`` of its own, and this block sends them on that same connection. The ORM's
work is flushed before the ``COMMIT``; the session's own commit afterwards only fires its hooks
(the outbox relay's wake-up, the idempotency notes), after the data is committed. A ``BEGIN``,
``COMMIT`` or ``ROLLBACK`` cut short or failed invalidates the connection, so it never goes back
to the pool inside a transaction. ``db_metrics`` counts the transaction as any other
(:data:`~shared.db_metrics.TRANSACTION_BY_HAND`): two round trips, the carried statements riding
in the first.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.db_metrics import TRANSACTION_BY_HAND

T = TypeVar("T")
# What may be written into the carried text as a quoted literal: ids, names, event types.
SAFE_LITERAL = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def literal(value: str) -> str | None:
    """``value`` as a quoted SQL literal if it is plainly safe to write (:data:`SAFE_LITERAL`), else None."""
    return f"'{value}'" if SAFE_LITERAL.match(value) else None


@asynccontextmanager
async def begin_carrying(session: AsyncSession, statements: str) -> AsyncIterator[str]:
    """Begin ``session``'s transaction (READ COMMITTED) with ``statements`` (no parameters) in the
    same round trip; yields the status of the last one (``INSERT 0 1``, ``SELECT 1``). Commits
    on leaving, rolls back on an error. Call it before anything else in the session's
    transaction (PostgreSQL only)."""
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT", TRANSACTION_BY_HAND: True})
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None  # a connection just checked out of the pool
    status: str = await _guarded(conn, driver.execute(f"BEGIN ISOLATION LEVEL READ COMMITTED; {statements}"))
    try:
        yield status
        await session.flush()
    except BaseException:
        await _guarded(conn, driver.execute("ROLLBACK"))
        raise
    await _guarded(conn, driver.execute("COMMIT"))


async def _guarded(conn: AsyncConnection, sending: Awaitable[T]) -> T:
    """Send a transaction's own command; cut short or failed, the connection is closed rather than
    returned to the pool in an unknown state (PostgreSQL then rolls back what it held)."""
    try:
        return await sending
    except BaseException:
        await conn.invalidate()
        raise
