"""Locks that hold across the processes of one service (replicas) sharing its database.

:class:`DbKeyedLock` serialises the check-then-write of one key (an application, a NIK): inside
a process an ``asyncio.Lock`` per key, so that waiters queue in memory instead of each holding a
pooled connection; across processes PostgreSQL's transaction-level advisory lock on a stable
64-bit hash of the key, taken in the very transaction that reads and writes, so the reads
start after the other process's commit. SQLite (the embedded mode) runs in one process: the
in-process lock alone suffices there.

:func:`try_session_lock` is the session-level form for a role that one process of a service
plays at a time (a periodic sweep's pass): held on a connection of its own, and
released by PostgreSQL when that connection closes, so when the holder dies another process
takes over on its next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from shared.begin_carrying import begin_carrying, closing_on_failure
from shared.bus.keyed_lock import KeyedLock
from shared.direct_sql import all_rows

_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
_SESSION_LOCK = text("SELECT pg_advisory_lock(:key)")
_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
_SESSION_LOCK_HELD_KEY = text("SELECT pg_advisory_lock(:lock_key)")  # HeldKey.execute binds lock_key


def advisory_key(namespace: str, key: str) -> int:
    """A signed 64-bit advisory-lock key: the first 8 bytes of SHA-256(``namespace:key``).
    Stable across processes and versions (never Python's ``hash``); the namespace keeps the keys
    of different lock families apart (a collision would only make two keys wait for each other)."""
    digest = hashlib.sha256(f"{namespace}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _is_postgres(bind: AsyncSession | AsyncConnection | AsyncEngine) -> bool:
    if isinstance(bind, AsyncSession):
        return bind.get_bind().dialect.name == "postgresql"
    return bind.dialect.name == "postgresql"


class DbKeyedLock:
    """One key at a time across the processes sharing a database (see the module docstring).

    Use :meth:`transaction` for a check-then-write of one key; :func:`locked_transaction` for
    several keys (always the same order everywhere: a NIK before an application); :meth:`hold`
    plus :meth:`lock_in` when the transaction is opened by someone else (the inbox);
    :meth:`across` for work spanning transactions and outside calls; :meth:`across_by_hand` for
    such work whose own statements take and release the key (one round trip each fewer).
    """

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._local = KeyedLock()

    def key_of(self, key: str) -> int:
        return advisory_key(self.namespace, key)

    @contextlib.asynccontextmanager
    async def hold(self, key: str | None) -> AsyncIterator[None]:
        """The in-process half: held before a connection is taken. Keyed by the advisory key,
        so a NIK is not kept in memory as a dictionary key."""
        async with self._local.hold(None if key is None else str(self.key_of(key))):
            yield

    def across_processes(self, key: str | None) -> int | None:
        """The advisory key that holds ``key`` across processes (None: no key to hold)."""
        return None if key is None else self.key_of(key)

    async def lock_in(self, session: AsyncSession, key: str | None) -> None:
        """The cross-process half, in ``session``'s open transaction, held until it ends.
        Call it first in the transaction: statements after it see the other process's commit."""
        advisory = self.across_processes(key)
        if advisory is not None and _is_postgres(session):
            await session.execute(_XACT_LOCK, {"key": advisory})

    @contextlib.asynccontextmanager
    async def transaction(self, sessions: async_sessionmaker[AsyncSession],
                          key: str | None) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that holds ``key``; committed on leaving, rolled back on error."""
        async with locked_transaction(sessions, (self, key)) as s:
            yield s

    @contextlib.asynccontextmanager
    async def across(self, sessions: async_sessionmaker[AsyncSession], key: str | None) -> AsyncIterator[None]:
        """Hold ``key`` for work that spans several transactions and outside calls (sending an
        application's reports in order, its issuance): the in-process lock, then the key's
        session-level advisory lock on a connection of its own, kept for the block (no
        transaction is left open meanwhile). A process that dies releases it with its connection."""
        async with self.hold(key):
            bind = sessions.kw.get("bind")
            if key is None or not isinstance(bind, AsyncEngine) or not _is_postgres(bind):
                yield
                return
            lock = {"key": self.key_of(key)}
            async with _holders(bind), bind.connect() as raw:
                conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
                await closing_on_failure(conn, conn.execute(_SESSION_LOCK, lock))
                try:
                    yield
                finally:
                    await _release(conn, lock)

    @contextlib.asynccontextmanager
    async def across_by_hand(self, sessions: async_sessionmaker[AsyncSession],
                             key: str) -> AsyncIterator[HeldKey | None]:
        """:meth:`across` for a holder that takes and releases the key's session lock itself, in
        statements of its own on the key's connection, so that taking it can read and releasing
        it can write in the same round trip (:class:`HeldKey`). None on other databases (one
        process: the in-process lock is all). What the holder did not release is released on
        leaving; a statement cut short closes the connection instead (which releases it)."""
        async with self.hold(key):
            bind = sessions.kw.get("bind")
            if not isinstance(bind, AsyncEngine) or not _is_postgres(bind):
                yield None
                return
            async with _holders(bind), bind.connect() as raw:
                held = HeldKey(await raw.execution_options(isolation_level="AUTOCOMMIT"), self.key_of(key))
                try:
                    yield held
                finally:
                    if held.held:
                        await _release(held.conn, {"key": held.key})


class HeldKey:
    """A key's session lock on a connection of its own (AUTOCOMMIT), taken and released by the
    holder's statements (:meth:`DbKeyedLock.across_by_hand`). A statement that takes it calls
    ``pg_try_advisory_lock(key)``, one that releases it ``pg_advisory_unlock(key)``; the holder
    says which happened (:attr:`held`)."""

    def __init__(self, conn: AsyncConnection, key: int) -> None:
        self.conn = conn
        self.key = key
        self.held = False

    async def execute(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        """Run a statement on the key's connection (directly on the driver's: shared/direct_sql.py)
        and give its rows; cut short (or failed), the connection is closed, so a lock it may have
        taken or kept goes with it."""
        try:
            return await closing_on_failure(self.conn, all_rows(self.conn, statement, {**params, "lock_key": self.key}))
        except BaseException:
            self.held = False  # the connection is closed: PostgreSQL released the lock with it
            raise

    async def wait(self) -> None:
        """Take the key, waiting for its holder (another process) to release it."""
        await self.execute(_SESSION_LOCK_HELD_KEY, {})
        self.held = True


# Per engine and event loop: how many connections :meth:`DbKeyedLock.across` may hold at once.
_HOLDERS: dict[tuple[int, int], asyncio.Semaphore] = {}


def _holders(engine: AsyncEngine) -> asyncio.Semaphore:
    """At most half the engine's pool holds session locks: the work done under them needs
    connections of its own (sessions), which the other half keeps free, so holders never
    starve each other of connections. Further holders wait in memory."""
    key = (id(engine.sync_engine), id(asyncio.get_running_loop()))
    semaphore = _HOLDERS.get(key)
    if semaphore is None:
        size = getattr(engine.sync_engine.pool, "size", lambda: 2)()
        semaphore = _HOLDERS[key] = asyncio.Semaphore(max(1, int(size) // 2))
    return semaphore


@contextlib.asynccontextmanager
async def locked_transaction(sessions: async_sessionmaker[AsyncSession],
                             *locks: tuple[DbKeyedLock, str | None]) -> AsyncIterator[AsyncSession]:
    """A session in a transaction holding every ``(lock, key)``, taken in the order given: the
    in-process locks before a connection is taken, then the advisory locks with the ``BEGIN``
    itself (``shared/begin_carrying.py``), so every statement of the transaction starts after the other
    process's commit. Callers keep one order of lock families (PostgreSQL would break a deadlock
    by failing one transaction)."""
    async with contextlib.AsyncExitStack() as stack:
        for lock, key in locks:
            await stack.enter_async_context(lock.hold(key))
        session = await stack.enter_async_context(sessions())
        await stack.enter_async_context(session.begin())
        keys = [k for k in (lock.across_processes(key) for lock, key in locks) if k is not None]
        if keys and _is_postgres(session):
            # One round trip where the driver's BEGIN and a statement per lock took one each (a
            # fifth of SIKI's round trips per step); the keys are integers we computed.
            locking = " ".join(f"SELECT pg_advisory_xact_lock({int(key)});" for key in keys)
            await stack.enter_async_context(begin_carrying(session, locking))
        yield session


async def _try_lock(conn: AsyncConnection, key: int) -> bool:
    return bool((await conn.execute(_TRY_LOCK, {"key": key})).scalar())


@contextlib.asynccontextmanager
async def try_session_lock(bind: AsyncEngine | async_sessionmaker[AsyncSession], name: str) -> AsyncIterator[bool]:
    """For one pass of a role one process plays at a time (a sweep): yields True when this
    process got ``name``'s session-level advisory lock (held on a connection of its own until
    the block ends), False when another process holds it (skip this pass). On SQLite (one
    process) always True. A process that dies releases the lock with its connection."""
    engine = bind if isinstance(bind, AsyncEngine) else bind.kw.get("bind")
    if not isinstance(engine, AsyncEngine) or not _is_postgres(engine):
        yield True
        return
    key = {"key": advisory_key("role", name)}
    async with engine.connect() as raw:
        conn = await raw.execution_options(isolation_level="AUTOCOMMIT")
        got = bool(await closing_on_failure(conn, _try_lock(conn, key["key"])))
        try:
            yield got
        finally:
            if got:
                await _release(conn, key)


async def _release(conn: AsyncConnection, key: dict[str, Any]) -> None:
    try:
        await conn.execute(_UNLOCK, key)
    except BaseException:
        # Closing the session releases the lock: never hand a locked connection back to the pool.
        await conn.invalidate()
        raise
