"""Published outbox rows are deleted once they are older than the retention.

A row's work ends when the relay marks it published: the relay reads only unpublished rows, an
event's id is random (nothing dedupes on an old row) and consumers keep their own inbox. Kept for
ever, the rows grew every service's outbox by one per event, and their payloads (names, email
addresses, a NIK in some events; sealed, but personal data all the same) stayed with no use.
``shared.housekeeping`` runs a pass five minutes after each start and then hourly
(``outbox_retention_days``, 1 by default: a day's look at what a service sent; a failed event
waits in the broker's dead-letter queue, not here). Unpublished rows are never touched, however
old.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Delete, Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.outbox import OutboxMixin

# Rows per DELETE: each batch is its own short transaction, so a large backlog (the first pass
# after an upgrade) never holds many row locks or one long transaction.
BATCH = 1000


def _purge_statement(table: Table) -> Delete:
    # No ORDER BY: any ``batch`` of them will do, and the range on ``published_at`` (indexed) then
    # finds them without walking the table by ``seq``, also when none is left.
    spent = select(table.c.seq).where(table.c.published_at < bindparam("before")).limit(bindparam("batch"))
    return delete(table).where(table.c.seq.in_(spent.scalar_subquery()))


async def purge_published(sessions: async_sessionmaker[AsyncSession], model: type[OutboxMixin],
                          before: datetime, *, batch: int = BATCH) -> int:
    """Delete the rows published before ``before``, ``batch`` at a time; returns how many went."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    statement = _purge_statement(table)
    gone = 0
    while True:
        async with sessions() as s, s.begin():
            result = await s.execute(statement, {"before": before, "batch": batch})
        deleted = int(getattr(result, "rowcount", 0) or 0)
        gone += deleted
        if deleted < batch:
            return gone
