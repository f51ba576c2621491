"""The statements of a flush of an application's status reports (``usecases/reports.py``), on the
connection that holds the application's session lock (``shared.dblocks.HeldKey``).

The lock is taken by the statement that reads the unsent reports (``pg_try_advisory_lock``) and
released, after the last report was sent, by the statement that marks it: a flush of one report
is two round trips, not four; a flush that finds nothing to send (another one sent it) releases
the lock in the statement that read, one round trip. Both are safe against another process's
flush of the same application, because the unsent reports are read ``FOR UPDATE``:

- Read with the lock, the rows come from a snapshot taken before the lock was tried; a row the
  other flush marked meanwhile is re-checked against its newest committed version and left out.
  The try never waits, so the row locks taken with it cannot deadlock against that flush.
- Released with the last mark, the lock goes before that mark commits (the statement commits as
  it ends); a flush that takes the lock then waits on the marked row's lock and, re-checking it,
  leaves it out.

When the try fails (another process is sending this application's reports) the flush waits for
the lock and then reads, as before. Other databases (one process) need no lock: plain statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    and_,
    any_,
    bindparam,
    case,
    exists,
    false,
    func,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from services.lsp.db.models import StatusReportRow
from shared.database import autocommit_read, single_statement
from shared.dblocks import HeldKey
from shared.direct_sql import all_rows

# Still to be sent: not sent, not dropped, not refused.
UNSENT = (StatusReportRow.sent_at.is_(None), StatusReportRow.dropped_at.is_(None),
          StatusReportRow.refused_at.is_(None))
_LOCK_KEY = bindparam("lock_key", type_=BigInteger)
_APPLICATION: BindParameter[str] = bindparam("application_id")
_COLUMNS = (StatusReportRow.seq, StatusReportRow.report_id, StatusReportRow.payload)
_READ = select(*_COLUMNS).where(StatusReportRow.application_id == _APPLICATION, *UNSENT).order_by(StatusReportRow.seq)


def _taking_and_reading() -> Any:
    lock = select(func.pg_try_advisory_lock(_LOCK_KEY).label("got")).cte("report_lock").prefix_with("MATERIALIZED")
    rows = (select(*_COLUMNS).select_from(StatusReportRow.__table__.join(lock, lock.c.got))
            .where(StatusReportRow.application_id == _APPLICATION, *UNSENT)
            .with_for_update(of=StatusReportRow).cte("unsent_reports"))
    # Nothing to send (another flush sent it already): the lock goes in the same statement,
    # evaluated on the one row the outer join then gives, after the lock's CTE ran.
    released = case((and_(lock.c.got, ~exists(select(rows.c.seq))), func.pg_advisory_unlock(_LOCK_KEY)),
                    else_=false()).label("released")
    return (select(lock.c.got, released, rows.c.seq, rows.c.report_id, rows.c.payload)
            .select_from(lock.outerjoin(rows, true())).order_by(rows.c.seq))


_TAKE_AND_READ = _taking_and_reading()
_READ_LOCKED = _READ.with_for_update()


Unsent = tuple[int, str, dict[str, Any]]  # seq, report id, payload


async def unsent(engine: AsyncEngine, held: HeldKey | None, application_id: str) -> list[Unsent]:
    """The application's unsent reports, oldest first, with the application's lock taken."""
    params = {"application_id": application_id}
    if held is None:
        async with autocommit_read(engine) as conn:
            found = await all_rows(conn, _READ, params)
    else:
        taken = await held.execute(_TAKE_AND_READ, params)
        if taken[0].got:
            held.held = not taken[0].released
            found = [r for r in taken if r.seq is not None]
        else:
            await held.wait()  # another process is flushing: after it, read what it left
            found = await held.execute(_READ_LOCKED, params)
    return [(int(r.seq), str(r.report_id), r.payload) for r in found]


def _mark_sent(seq: ColumnElement[bool], at: Any) -> Any:
    # SIKI has the report now: its personal data (forms, certificate) is not kept here too.
    return (update(StatusReportRow).where(seq)
            .values(attempts=StatusReportRow.attempts + 1, last_error=None, sent_at=at, payload=None))


# PostgreSQL: kept, the reports' seqs an array parameter (an IN list is a new statement per
# length and goes through SQLAlchemy's execution), answering the rows marked; and the same with
# the lock's release, evaluated for the one row of the count, after the update ran to the end.
_SEQS = bindparam("seqs", type_=ARRAY(Integer))
_MARKED_AT = bindparam("marked_at", type_=StatusReportRow.sent_at.type)
_MARK_SENT = _mark_sent(StatusReportRow.seq == any_(_SEQS), _MARKED_AT).returning(StatusReportRow.seq)
_counted = select(func.count().label("marked")).select_from(_MARK_SENT.cte("marked")).subquery()
_MARK_SENT_RELEASING = select(_counted.c.marked, func.pg_advisory_unlock(_LOCK_KEY)).select_from(_counted)


async def mark_sent(engine: AsyncEngine, held: HeldKey | None, seqs: list[int], at: datetime, *,
                    release: bool) -> int:
    """Note the reports ``seqs`` as sent at ``at`` (one statement, atomic by itself); with
    ``release`` the same statement releases the application's lock. Returns how many rows it
    marked (a dropped one stays dropped)."""
    if engine.dialect.name != "postgresql":
        async with single_statement(engine) as conn:
            marked = await conn.execute(_mark_sent(StatusReportRow.seq.in_(seqs), at))
            return int(getattr(marked, "rowcount", 1) or 0)
    params = {"seqs": seqs, "marked_at": at}
    if held is not None and held.held and release:
        result = (await held.execute(_MARK_SENT_RELEASING, params))[0]
        held.held = False
        return int(result.marked)
    async with single_statement(engine) as conn:
        return len(await all_rows(conn, _MARK_SENT, params))
