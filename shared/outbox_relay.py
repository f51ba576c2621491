"""The outbox's relay: publishes the rows committed with :func:`shared.outbox.add_event`, oldest
first, and marks them published. If the broker is down the rows wait."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, Update, bindparam, event, func, select, true, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from shared.bus.base import EventBus
from shared.bus.envelope import EventEnvelope, utcnow
from shared.database import autocommit_read, session_class
from shared.dblocks import advisory_key
from shared.direct_sql import all_rows_in
from shared.logging import get_logger
from shared.outbox import WAKE_KEY, OutboxMixin

log = get_logger(__name__)

# What a relay reads of a row to publish it (Core rows: no ORM objects on the hot path).
_ROW_COLUMNS = ("seq", "event_id", "type", "version", "occurred_at", "correlation_id",
                "application_id", "source", "payload")
_RELAY_LOCKS: dict[tuple[str, int], asyncio.Lock] = {}


def _relay_lock(db_key: str) -> asyncio.Lock:
    """Relays on one database in one event loop take turns (SQLite cannot lock rows); across
    processes the outbox's advisory lock lets one relay publish at a time (:class:`OutboxRelay`)."""
    return _RELAY_LOCKS.setdefault((db_key, id(asyncio.get_running_loop())), asyncio.Lock())


def _envelope(row: Row[Any]) -> EventEnvelope:
    occurred_at = row.occurred_at
    if occurred_at.tzinfo is None:  # SQLite hands it back without its zone; stored in UTC
        occurred_at = occurred_at.replace(tzinfo=UTC)
    return EventEnvelope(
        id=row.event_id, type=row.type, version=row.version, occurred_at=occurred_at,
        correlation_id=row.correlation_id, application_id=row.application_id, source=row.source,
        payload=row.payload,
    )


class OutboxRelay:
    """Publishes committed outbox rows, oldest first, and marks them published.

    With several processes of a service (replicas) on one PostgreSQL database, one relay
    publishes at a time: each batch's transaction first tries the outbox's transaction-level
    advisory lock and skips the pass when another relay holds it. Batches are therefore
    exclusive and each starts from the oldest unpublished row, so an application's events go
    out in order whichever process publishes them (rows split between two relays with
    ``SKIP LOCKED`` would let a later event overtake an earlier one held by the other relay).
    Nothing is held between batches: when a process dies mid-batch its transaction ends, the
    lock goes with it, and the next pass of any other relay carries on from the first row not
    marked (at least once, as before). A skipped relay tries again shortly, so rows committed
    by its own process do not wait for the other's next poll.

    Every relay keeps :attr:`oldest_unpublished_age` (the outbox lag gauge) up to date: from
    its own pass when the pass saw the outbox, else (skipped, failed) by a query at most once a
    poll. A pass after a wake reads the batch at once; an idle poll first peeks outside a
    transaction, and idle polls back off from ``poll_seconds`` to ``max_poll_seconds``.
    """

    # How soon a relay that found another one publishing tries again.
    retry_after_skip_seconds = 0.05

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        model: type[OutboxMixin],
        bus: EventBus,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
        max_poll_seconds: float | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.model = model
        self.bus = bus
        self.poll_seconds = poll_seconds
        # Idle polls back off, doubling from poll_seconds up to this (default 8 x poll_seconds).
        self.max_poll_seconds = max(poll_seconds, max_poll_seconds if max_poll_seconds is not None
                                    else 8 * poll_seconds)
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        bind = session_factory.kw.get("bind")
        self._db_key = str(bind.url) if bind is not None else str(id(self))
        self._hooked = False
        # Seconds since the oldest unpublished row was written (0.0 when none): the outbox lag.
        self.oldest_unpublished_age: float = 0.0
        # Whether the last pass found another relay publishing.
        self.skipped = False
        # While publishing keeps failing (the broker is away) only the first failure is a WARNING:
        # the bus itself reports the outage and its recovery.
        self._failing = False
        self._lock_key = advisory_key("outbox", model.__tablename__)
        # Whether the last pass set oldest_unpublished_age itself (else run() queries it).
        self._measured = False
        # The batch query and the marking UPDATE per (dialect, batch size), built once: a pass
        # then spends nothing on building statements or walking them for the cache key.
        self._statements: dict[tuple[str, int], tuple[Select[Any], Update]] = {}

    @property
    def _table(self) -> Table:
        # Looked up when used, not at construction: a runtime may be built around the bare
        # mixin (no table) by code that never relays.
        table: Table = self.model.__table__  # type: ignore[attr-defined]
        return table

    def hook_commits(self) -> None:
        """Wake the relay right after any commit that staged events, instead of waiting a poll."""
        if self._hooked:
            return
        self._hooked = True
        sync_maker = session_class(self.session_factory)

        @event.listens_for(sync_maker, "after_commit")
        def _after_commit(sess: Session) -> None:
            if sess.info.pop(WAKE_KEY, False):
                self.wake()

    def wake(self) -> None:
        self._wake.set()

    async def refresh_oldest_unpublished_age(self) -> float:
        """One indexed query: the age of the oldest unpublished row (the lowest ``seq`` not published)."""
        oldest = await self._peek_oldest()
        self._set_age(oldest)
        return self.oldest_unpublished_age

    def _set_age(self, oldest: datetime | None) -> None:
        if oldest is None:
            self.oldest_unpublished_age = 0.0
            return
        if oldest.tzinfo is None:  # SQLite hands it back without its zone; stored in UTC
            oldest = oldest.replace(tzinfo=UTC)
        self.oldest_unpublished_age = max(0.0, (utcnow() - oldest).total_seconds())

    async def _peek_oldest(self) -> datetime | None:
        """The oldest unpublished row's ``occurred_at``, outside any transaction: one round trip
        on PostgreSQL instead of BEGIN, SELECT, ROLLBACK."""
        t = self._table
        query = select(t.c.occurred_at).where(t.c.published_at.is_(None)).order_by(t.c.seq).limit(1)
        bind = self.session_factory.kw.get("bind")
        if isinstance(bind, AsyncEngine) and bind.dialect.name == "postgresql":
            async with autocommit_read(bind) as conn:
                return (await conn.execute(query)).scalar_one_or_none()
        async with self.session_factory() as session:
            return (await session.execute(query)).scalar_one_or_none()

    def _statements_for(self, dialect: str) -> tuple[Select[Any], Update]:
        """The batch query and the UPDATE that marks rows; on PostgreSQL the batch query marks
        its rows itself and the UPDATE unmarks those that could not be published."""
        key = (dialect, self.batch_size)
        found = self._statements.get(key)
        if found is None:
            t = self._table
            mark = (update(t).where(t.c.seq.in_(bindparam("done", expanding=True)))
                    .values(published_at=bindparam("published_at")))
            found = self._statements[key] = (self._batch_query(dialect), mark)
        return found

    def _batch_query(self, dialect: str) -> Select[Any]:
        """The next batch, oldest first. On PostgreSQL the same statement first tries the
        outbox's transaction-level advisory lock (a MATERIALIZED CTE: evaluated once), and
        returns one row with ``got`` false and no outbox columns when another relay holds it.

        Why ``FOR UPDATE``: the statement's snapshot is taken before the lock is granted, so it
        can predate the commit of the relay that held the lock just before. Locking the rows
        makes PostgreSQL re-check each against its newest committed version (READ COMMITTED),
        so rows that relay marked are left out, as a second statement's fresh snapshot did.

        On PostgreSQL the statement also marks the rows published (a data-modifying CTE): the
        transaction commits only after publishing, unmarking first what could not be published,
        so a relay that dies mid-batch leaves its rows unmarked, as before, and a pass costs one
        round trip fewer (``BEGIN``, this, ``COMMIT``)."""
        t = self._table
        columns = [t.c[name] for name in _ROW_COLUMNS]
        batch = select(*columns).where(t.c.published_at.is_(None)).order_by(t.c.seq).limit(self.batch_size)
        if dialect != "postgresql":
            return batch.add_columns(true().label("got"))
        lock = (
            select(func.pg_try_advisory_xact_lock(self._lock_key).label("got"))
            .cte("relay_lock").prefix_with("MATERIALIZED")
        )
        rows = (
            batch.select_from(t.join(lock, lock.c.got)).with_for_update(of=t).cte("relay_batch")
        )
        marked = (
            update(t).where(t.c.seq == rows.c.seq).values(published_at=bindparam("published_at"))
            .returning(*columns).cte("relay_marked")
        )
        return (
            select(*(marked.c[name] for name in _ROW_COLUMNS), lock.c.got)
            .select_from(lock.outerjoin(marked, true()))
            .order_by(marked.c.seq)
        )

    async def publish_pending(self, *, peek: bool = False) -> int:
        """One pass: publish what is pending, unless another relay is publishing (then
        :attr:`skipped`). Returns how many were published.

        With ``peek`` (an idle poll, not a wake) an autocommit query first checks for any
        unpublished row, so an empty outbox costs one round trip and no transaction. A pass
        that sees the outbox (not skipped, not failed) sets :attr:`oldest_unpublished_age`."""
        async with _relay_lock(self._db_key):
            # `skipped` keeps the last pass's verdict until this one decides: read mid-pass, it
            # must not say "not skipped" for a relay that will find the lock taken.
            published, self._measured = 0, False
            if peek:
                oldest = await self._peek_oldest()
                self._set_age(oldest)
                self._measured = True
                if oldest is None:
                    self.skipped = False
                    return 0
            while True:
                async with self.session_factory() as session:
                    marks_itself = session.get_bind().dialect.name == "postgresql"
                    query, mark = self._statements_for(session.get_bind().dialect.name)
                    # Every pass sends it: on the driver's connection directly (shared/direct_sql.py),
                    # in the session's transaction.
                    result = await all_rows_in(session, query, {"published_at": utcnow()})
                    if result and not result[0].got:
                        self.skipped = True
                        return published
                    self.skipped = False
                    rows = [r for r in result if r.seq is not None]
                    if published == 0:
                        self._set_age(rows[0].occurred_at if rows else None)
                        self._measured = True
                    if not rows:
                        return published  # the session's close rolls back (and frees the lock)
                    done, failed = await self._publish_rows(rows)
                    if marks_itself:
                        sent = set(done)
                        left = [r.seq for r in rows if r.seq not in sent]
                        if left:
                            await session.execute(mark, {"done": left, "published_at": None})
                    elif done:
                        await session.execute(mark, {"done": done, "published_at": utcnow()})
                    # Commit even with nothing marked: it ends the transaction and so the lock.
                    await session.commit()
                    published += len(done)
                    if failed is not None:
                        self._measured = False  # what is left is no longer known here
                        report = log.debug if self._failing else log.warning
                        self._failing = True
                        report("outbox publish failed; will retry", error=repr(failed),
                               pending=len(rows) - len(done))
                        return published
                    if self._failing:
                        self._failing = False
                        log.info("outbox publishing again", published=len(done))
                    if len(rows) < self.batch_size:
                        self._set_age(None)  # drained (later commits wake the relay again)
                        return published

    async def _publish_rows(self, rows: Sequence[Row[Any]]) -> tuple[list[int], Exception | None]:
        """Publish with publisher confirms pipelined across applications; one application's
        events go one after another, in order, and stop at its first failure."""
        groups: dict[str | None, list[Row[Any]]] = {}
        for row in rows:
            groups.setdefault(row.application_id, []).append(row)
        done: list[int] = []
        failures: list[Exception] = []

        async def publish_group(group: list[Row[Any]]) -> None:
            for row in group:
                try:
                    await self.bus.publish(_envelope(row))
                except Exception as exc:  # the broker is down: keep the rest for later
                    failures.append(exc)
                    return
                done.append(row.seq)

        await asyncio.gather(*(publish_group(g) for g in groups.values()))
        return done, (failures[0] if failures else None)

    async def run(self) -> None:
        refreshed = float("-inf")
        idle_wait, woken = self.poll_seconds, False
        while True:
            published = 0
            try:
                # A wake means this process committed events: straight to the batch. A poll
                # (rows of another process or a dead one) first peeks outside a transaction.
                published = await self.publish_pending(peek=not woken)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._measured = False
                log.warning("outbox relay pass failed", error=repr(exc))
            if self._measured:
                refreshed = time.monotonic()
            elif time.monotonic() - refreshed >= self.poll_seconds:
                # Skipped (a standby) or failed: the lag gauge needs its own query, at most once
                # a poll (a busy process wakes its relay on every commit).
                try:
                    await self.refresh_oldest_unpublished_age()
                    refreshed = time.monotonic()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.debug("outbox lag not measured", error=repr(exc))  # the pass said why
            if self.skipped:
                wait = self.retry_after_skip_seconds
            elif published or woken:
                idle_wait = wait = self.poll_seconds
            else:
                # Idle: this process's commits wake the relay anyway; polls only find rows of
                # another process (a replica's, a dead one's), so they may come less often.
                wait, idle_wait = idle_wait, min(idle_wait * 2, self.max_poll_seconds)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):  # not wait_for: it can swallow a cancel on 3.11
                    await self._wake.wait()
            woken = self._wake.is_set()
            self._wake.clear()

    def start(self) -> None:
        self.hook_commits()
        if self._task is None:
            self._task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
