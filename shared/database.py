"""Async SQLAlchemy engines and sessions for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg).

The URL alone chooses the backend. Alembic migrations are run from code, against the same
async engine, so ``migrate_on_startup`` and the ``python -m scripts.migrate`` prestart step
(``make migrate``) take the same path, under a lock shared between processes.
"""

from __future__ import annotations

import asyncio
import os
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, event, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from shared.dialects import aware_sqlite_datetime
from shared.kept_get import KeptGetSession
from shared.logging import get_logger

if TYPE_CHECKING:
    from alembic.config import Config

log = get_logger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 20, echo: bool = False) -> AsyncEngine:
    if is_sqlite(url):
        db_path = make_url(url).database
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        # Before the first statement adapts a type: every DateTime of this engine's dialect.
        dialect = engine.sync_engine.dialect
        dialect.colspecs = {**dialect.colspecs, sqltypes.DateTime: aware_sqlite_datetime()}  # type: ignore[misc]

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # Six instances share one PostgreSQL server (100 connections by default): a service holds at
    # most pool_size and a quarter (at least 2) more, opened as the load needs them and then kept.
    # No overflow: SQLAlchemy closes an overflow connection as soon as it comes back to a pool
    # with pool_size idle ones, so a fluctuating load opened one after another (connect, the
    # driver's type set-up, every statement prepared again): 86 connections for the portal's 15
    # in one short bench, 15 when kept, and 1562 -> 905 statements prepared.
    # No pre-ping: with asyncpg it costs three round trips per checkout; connections are
    # recycled instead, and a connection the server dropped fails one attempt, which the bus or
    # the caller's retry repeats.
    return create_async_engine(
        url, echo=echo, pool_size=pool_size + max(2, pool_size // 4), max_overflow=0, pool_recycle=600
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # A Session subclass of its own, so that session events (the outbox relay's wake-up) fire
    # for this service's sessions only when several services share one process.
    # Its ``get`` sends a statement kept per entity (shared/kept_get.py).
    sync_cls = type("ServiceSession", (KeptGetSession,), {})
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=sync_cls)


def session_class(factory: async_sessionmaker[AsyncSession]) -> type[Session]:
    """The sync Session class behind ``factory``'s sessions: where a service listens for its own
    sessions' events (commits: the outbox relay's wake-up, idempotency notes, status reports)."""
    cls: type[Session] = factory.kw.get("sync_session_class", Session)
    return cls


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any error."""
    async with factory() as session, session.begin():
        yield session


@asynccontextmanager
async def autocommit_read(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A pooled connection for reads that need no transaction: one statement, or several whose
    consistency with each other does not matter (under READ COMMITTED a transaction gives none
    between two statements anyway). Never write through it: nothing is rolled back.

    PostgreSQL: the connection is in AUTOCOMMIT, so asyncpg sends no ``BEGIN`` before the first
    statement and no ``ROLLBACK`` when it goes back to the pool (two round trips saved per read).
    Setting and resetting the level costs no round trip with asyncpg (it only chooses how the next
    transaction starts), and the pool restores the engine's own level when the connection returns.
    SQLite: a plain connection; pysqlite begins no transaction before a ``SELECT``, and switching
    the level would cost a ``PRAGMA`` each way.
    """
    async with _plain_or_autocommit(engine) as conn:
        yield conn


@asynccontextmanager
async def _plain_or_autocommit(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


@asynccontextmanager
async def single_statement(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for one writing statement that stands alone (atomic by itself): on
    PostgreSQL in AUTOCOMMIT, so asyncpg sends the statement without a ``BEGIN`` and a ``COMMIT``
    round trip around it (each round trip costs some 0.2 ms of CPU through SQLAlchemy and
    asyncpg); elsewhere in a transaction of its own, committed on leaving. Never put two writes
    through it: the first would stay committed if the second failed."""
    if engine.dialect.name == "postgresql":
        async with _plain_or_autocommit(engine) as conn:
            yield conn
    else:
        async with engine.begin() as conn:
            yield conn


class ReadOnlySession(KeptGetSession):
    """What :func:`read_session` opens: a flush of changes or a writing statement raises
    :class:`ReadOnlyViolation` (on PostgreSQL it would commit at once, statement by statement)."""


class ReadOnlyViolation(RuntimeError):
    pass


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(session: Session, flush_context: Any, instances: Any) -> None:
    raise ReadOnlyViolation("a read session does not write: use sessions() with begin()")


_TEXT_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)  # a text() SELECT reads too


@event.listens_for(ReadOnlySession, "do_orm_execute")
def _refuse_writes(state: Any) -> None:
    statement = state.statement
    if not state.is_select and not (isinstance(statement, TextClause) and _TEXT_SELECT.match(statement.text)):
        raise ReadOnlyViolation("a read session runs SELECTs only: use sessions() with begin()")


_READ_FACTORIES: weakref.WeakKeyDictionary[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]] = (
    weakref.WeakKeyDictionary())


def read_session(factory: async_sessionmaker[AsyncSession]) -> AsyncSession:
    """An ORM session for reads only, on the same pool as ``factory``'s sessions:
    ``async with read_session(ctx.sessions) as s: ...``.

    PostgreSQL: its connection is in AUTOCOMMIT (as :func:`autocommit_read`), so a read sends no
    ``BEGIN`` first and no ``ROLLBACK`` when the session closes: two round trips fewer, some
    0.4 ms of CPU. Under READ COMMITTED a transaction gives two reads no common snapshot anyway,
    so what the reads see is the same. SQLite: the engine as it is (pysqlite begins no
    transaction before a ``SELECT``). Either way a write refuses (:class:`ReadOnlySession`)."""
    reads = _READ_FACTORIES.get(factory)
    if reads is None:
        engine = engine_of(factory)
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        reads = _READ_FACTORIES[factory] = async_sessionmaker(engine, expire_on_commit=False,
                                                              sync_session_class=ReadOnlySession)
    return reads()


_ALONE_ENGINES: weakref.WeakKeyDictionary[async_sessionmaker[AsyncSession], AsyncEngine] = weakref.WeakKeyDictionary()


def alone_session(factory: async_sessionmaker[AsyncSession]) -> AsyncSession:
    """PostgreSQL only: a session of ``factory``'s kind whose connection is in AUTOCOMMIT, for one
    writing statement that stands alone (as :func:`single_statement`) built from rows the
    session staged. Its ``commit()`` sends nothing and runs the session's ``after_commit`` hooks
    (the outbox relay's wake). Never put two writes through it."""
    engine = _ALONE_ENGINES.get(factory)
    if engine is None:
        engine = _ALONE_ENGINES[factory] = engine_of(factory).execution_options(isolation_level="AUTOCOMMIT")
    return factory(bind=engine)


def engine_of(factory: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    """The engine a session factory (:func:`make_session_factory`) is bound to."""
    bind = factory.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the session factory is not bound to an AsyncEngine")
    return bind


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def autovacuum_off(engine: AsyncEngine) -> bool:
    """Whether the PostgreSQL server runs without autovacuum (False on SQLite). Without it the
    tables are never analyzed, and a prepared statement keeps the plan it got while its tables
    were nearly empty (a sequential scan) for the connection's life."""
    if engine.dialect.name != "postgresql":
        return False
    async with engine.connect() as conn:
        return (await conn.scalar(text("SELECT current_setting('autovacuum')"))) == "off"


def _alembic_config(script_location: str | Path, connection: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    return cfg


def script_heads(script_location: str | Path) -> set[str]:
    """The head revisions of a migrations folder, as Alembic computes them."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory(str(script_location)).get_heads())


# Key of the session-level PostgreSQL advisory lock held while a database is migrated
# (advisory locks are per database, so one constant serves every service).
MIGRATION_LOCK_KEY = 0x534B4B5F4D494752  # "SKK_MIGR"
_MIGRATION_LOCK_POLL_SECONDS = 0.1
# Alembic's ``context`` is process-global: services sharing a process migrate one at a time.
_PROCESS_MIGRATION_LOCK: asyncio.Lock | None = None


def migration_lock_path(url: str) -> Path | None:
    """The lock file beside a SQLite database file (None for an in-memory database)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path.with_name(path.name + ".migrate-lock")


@asynccontextmanager
async def migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Held while one process migrates ``engine``'s database, so that several processes of a
    service (or a prestart step and a service) starting together migrate it once, in turn.

    PostgreSQL: ``pg_advisory_lock`` on a connection of its own, kept for the duration (the
    lock goes with the session, so a process that dies releases it). SQLite: ``flock`` on a
    file beside the database file.
    """
    if engine.dialect.name == "postgresql":
        async with _pg_advisory_lock(engine):
            yield
        return
    path = migration_lock_path(str(engine.url)) if is_sqlite(str(engine.url)) else None
    if path is None:
        yield
        return
    async with _file_lock(path):
        yield


@asynccontextmanager
async def _pg_advisory_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    key = {"key": MIGRATION_LOCK_KEY}
    async with engine.connect() as conn:
        got = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key)).scalar()
        if not got:
            log.info("waiting for another process to finish migrating", database=engine.url.database)
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
        await conn.commit()  # the lock is the session's: no transaction is left open while held
        try:
            yield
        finally:
            try:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                await conn.commit()
            except BaseException:
                # Closing the session releases the lock: never hand a locked connection back to the pool.
                await conn.invalidate()
                raise


@asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = False
        while True:  # polled rather than blocking a thread, so that cancelling the wait is clean
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited:
                    log.info("waiting for another process to finish migrating", lock=str(path))
                    waited = True
                await asyncio.sleep(_MIGRATION_LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


async def run_migrations(engine: AsyncEngine, script_location: str | Path, revision: str = "heads") -> set[str]:
    """Upgrade the service's database to ``revision`` with Alembic, under :func:`migration_lock`.

    Alembic reads the database's current revision inside the lock, so a database already at
    ``revision`` (or brought there by another process while this one waited) is left alone.
    Returns the revisions the database was at when this process got the lock (empty: a fresh
    database). Alembic is imported here only: a service started with ``migrate_on_startup`` off
    (the deployed way, after the ``python -m scripts.migrate`` prestart step) never loads it.
    """
    global _PROCESS_MIGRATION_LOCK
    found: set[str] = set()

    def _upgrade(connection: Connection) -> None:
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        found.update(MigrationContext.configure(connection).get_current_heads())
        command.upgrade(_alembic_config(script_location, connection), revision)

    if _PROCESS_MIGRATION_LOCK is None:
        _PROCESS_MIGRATION_LOCK = asyncio.Lock()
    async with _PROCESS_MIGRATION_LOCK, migration_lock(engine), engine.begin() as conn:
        await conn.run_sync(_upgrade)
    return found


async def database_revisions(engine: AsyncEngine) -> set[str]:
    """The revisions a database is at (empty for a database never migrated)."""
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            return {str(r) for r in rows}
    except Exception:  # no version table yet: a fresh database
        return set()


def alembic_env_run(target_metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``.

    Run from :func:`run_migrations` a connection is handed in; run from the ``alembic`` command
    line the URL comes from ``SKK_DATABASE_URL``.
    """
    from alembic import context

    config = context.config
    connection = config.attributes.get("connection")

    def _do(conn: Connection) -> None:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=conn.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if connection is not None:
        _do(connection)
        return

    url = os.environ.get("SKK_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set SKK_DATABASE_URL to run migrations from the command line")

    async def _online() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(_do)
        await engine.dispose()

    asyncio.run(_online())
