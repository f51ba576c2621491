"""Async SQLAlchemy engines and sessions for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg).

The URL alone chooses the backend. Alembic migrations are run from code, against the same
async engine, so ``migrate_on_startup`` and ``make migrate`` take the same path.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from alembic.config import Config

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

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    # Six instances share one PostgreSQL server (100 connections by default): keep the overflow
    # small so that pool_size alone sizes what a service may hold.
    # No pre-ping: with asyncpg it costs three round trips per checkout; connections are
    # recycled instead, and a connection the server dropped fails one attempt, which the bus or
    # the caller's retry repeats.
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=max(2, pool_size // 4), pool_recycle=600
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # A Session subclass of its own, so that session events (the outbox relay's wake-up) fire
    # for this service's sessions only when several services share one process.
    sync_cls = type("ServiceSession", (Session,), {})
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=sync_cls)


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commits on success, rolls back on any error."""
    async with factory() as session, session.begin():
        yield session


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def _alembic_config(script_location: str | Path, connection: Connection) -> Config:
    # Alembic (with mako) costs about 10 MiB resident: imported only when migrating.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    return cfg


_MIGRATION_LOCK: asyncio.Lock | None = None
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def script_heads(script_location: str | Path) -> set[str]:
    """The head revisions of a migrations folder, read from its files without importing Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (Path(script_location) / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(str(ast.literal_eval(found["revision"].strip())))
        down = ast.literal_eval(found.get("down_revision", "None").strip())
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(str(d) for d in down)
    return revisions - parents


async def _database_revisions(engine: AsyncEngine) -> set[str] | None:
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            return {str(r) for r in rows}
    except Exception:  # no version table yet: a fresh database
        return None


async def run_migrations(engine: AsyncEngine, script_location: str | Path, revision: str = "heads") -> None:
    """Upgrade the service's database to ``revision`` with Alembic.

    A database already at the folder's heads is left alone without importing Alembic, which
    keeps about 10 MiB out of every running service.
    """
    global _MIGRATION_LOCK
    if revision == "heads":
        heads = script_heads(script_location)
        if heads and await _database_revisions(engine) == heads:
            return

    def _upgrade(connection: Connection) -> None:
        from alembic import command

        command.upgrade(_alembic_config(script_location, connection), revision)

    # Alembic's ``context`` is process-global: services sharing a process migrate one at a time.
    if _MIGRATION_LOCK is None:
        _MIGRATION_LOCK = asyncio.Lock()
    async with _MIGRATION_LOCK, engine.begin() as conn:
        await conn.run_sync(_upgrade)


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
