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
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from shared.db_metrics import TRANSACTION_BY_HAND

T = TypeVar("T")
# What may be written into the carried text as a quoted literal: ids, names, event types.
SAFE_LITERAL = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def literal(value: str) -> str | None:
    """``value`` as a quoted SQL literal if it is plainly safe to write (:data:`SAFE_LITERAL`), else None."""
    return f"'{value}'" if SAFE_LITERAL.match(value) else None


NOW = object()  # in :func:`claim_text`'s values: the transaction's time, ``now()``
CLAIMED = "INSERT 0 1"  # the status of a claim_text that inserted its row (``INSERT 0 0``: taken before)


def claim_text(session: AsyncSession, table: Table, values: Mapping[str, object]) -> str | None:
    """On PostgreSQL, ``INSERT INTO table ... ON CONFLICT DO NOTHING`` of one row as text without
    parameters, to ride in a ``BEGIN`` (its status ``INSERT 0 1``: claimed, ``INSERT 0 0``: taken
    before); None elsewhere or when a value is not plainly safe to write (take the usual path).
    Values: strings, None (NULL) or :data:`NOW`."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    written: list[str] = []
    for value in values.values():
        text = "now()" if value is NOW else "NULL" if value is None else literal(str(value))
        if text is None:
            return None
        written.append(text)
    preparer = bind.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in values)
    return (f"INSERT INTO {preparer.format_table(table)} ({columns}) "  # noqa: S608 - checked literals
            f"VALUES ({', '.join(written)}) ON CONFLICT DO NOTHING")


@asynccontextmanager
async def begin_carrying(session: AsyncSession, statements: str) -> AsyncIterator[str]:
    """Begin ``session``'s transaction (READ COMMITTED) with ``statements`` (no parameters) in the
    same round trip; yields the status of the last one (``INSERT 0 1``, ``SELECT 1``). Commits
    on leaving, rolls back on an error. Call it before anything else in the session's
    transaction (PostgreSQL only)."""
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT", TRANSACTION_BY_HAND: True})
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None  # a connection just checked out of the pool
    if driver.is_in_transaction():  # the driver began one already: ours would not be the transaction
        raise RuntimeError("begin_carrying must begin the session's transaction: a statement ran before it")
    status: str = await closing_on_failure(conn, driver.execute(f"BEGIN ISOLATION LEVEL READ COMMITTED; {statements}"))
    try:
        yield status
        await session.flush()
    except BaseException:
        await closing_on_failure(conn, driver.execute("ROLLBACK"))
        raise
    await closing_on_failure(conn, driver.execute("COMMIT"))


async def closing_on_failure(conn: AsyncConnection, sending: Awaitable[T]) -> T:
    """Await a statement that leaves the connection holding something (a transaction begun or
    ended by hand, a session-level lock); cut short or failed, the connection is closed rather
    than returned to the pool in an unknown state (PostgreSQL then releases what it held)."""
    try:
        return await sending
    except BaseException:
        await conn.invalidate()
        raise
