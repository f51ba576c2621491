"""``autocommit_read``: a read on PostgreSQL opens no transaction (no BEGIN / ROLLBACK round
trips), and the pooled connection goes back to the engine's own transactional behaviour."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from shared.database import autocommit_read, create_engine


def _statements(engine: Any) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    return seen


def _adapter(conn: Any) -> Any:
    """SQLAlchemy's asyncpg adapter of the pooled connection (it knows whether it autocommits)."""
    return conn.sync_connection.connection.dbapi_connection


def _driver(conn: Any) -> Any:
    return _adapter(conn).driver_connection


@pytest.mark.postgres
async def test_autocommit_read_opens_no_transaction_on_postgres(pg_url: str) -> None:
    # One connection in the pool, so that the second checkout is the first's connection.
    engine = create_engine(pg_url, pool_size=1)
    try:
        async with autocommit_read(engine) as conn:
            # Nothing assigned a transaction id and asyncpg saw no BEGIN: the statement ran alone.
            assert (await conn.execute(text("SELECT txid_current_if_assigned()"))).scalar() is None
            assert not _driver(conn).is_in_transaction()
            assert _adapter(conn).autocommit
            first = _driver(conn)
        async with engine.connect() as conn:
            assert _driver(conn) is first
            assert not _adapter(conn).autocommit
            await conn.execute(text("SELECT 1"))
            # Back to normal: a statement begins a transaction again, which rollback ends.
            assert _driver(conn).is_in_transaction()
            await conn.rollback()
            assert not _driver(conn).is_in_transaction()
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x int)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _driver(conn).is_in_transaction()
    finally:
        await engine.dispose()


async def test_autocommit_read_on_sqlite_is_a_plain_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/t.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x int)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        seen = _statements(engine)
        async with autocommit_read(engine) as conn:
            assert (await conn.execute(text("SELECT x FROM t"))).scalar() == 1
        # No PRAGMA to switch the isolation level there and back: only the read itself.
        assert seen == ["SELECT x FROM t"]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_connections_opened_under_a_burst_are_kept_for_the_next(pg_url: str) -> None:
    """A pool of 4 holds up to 6 connections and keeps them all: a second burst opens none
    (an overflow connection used to be closed on return and opened again by the next burst)."""
    import asyncio

    engine = create_engine(pg_url, pool_size=4)
    opened: list[int] = []
    event.listen(engine.sync_engine, "connect", lambda *_: opened.append(1))

    async def hold() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_sleep(0.05)"))

    try:
        await asyncio.gather(*(hold() for _ in range(12)))
        assert len(opened) == 6  # never more than 4 + a quarter (at least 2) at once
        await asyncio.gather(*(hold() for _ in range(12)))
        assert len(opened) == 6
        assert engine.sync_engine.pool.checkedin() == 6  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
