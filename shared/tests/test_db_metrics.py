"""``db_statements_total`` and ``db_transactions_total``: on PostgreSQL the transactions counted
are exactly the ``BEGIN`` round trips asyncpg sends, and the statements every statement sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Integer, bindparam, column, func, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.begin_carrying import begin_carrying
from shared.database import autocommit_read, create_engine, make_session_factory, read_session, single_statement
from shared.db_metrics import count_round_trips, leading_keyword
from shared.dblocks import DbKeyedLock
from shared.direct_sql import first_row
from shared.tests.round_trips import simple_queries


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def _transactions(registry: CollectorRegistry) -> tuple[float, float]:
    return (_value(registry, "db_transactions_total", outcome="commit"),
            _value(registry, "db_transactions_total", outcome="rollback"))


async def _counting(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch,
                    first: str) -> tuple[CollectorRegistry, list[str]]:
    """The registry counting ``engine`` and asyncpg's simple queries from now on, after ``first``:
    the first connection's set-up (the dialect asks the server's version in a transaction of its
    own) is not the service's work and is not counted."""
    async with engine.begin() as conn:
        await conn.execute(text(first))
    registry = CollectorRegistry()
    count_round_trips(engine, registry)
    return registry, simple_queries(monkeypatch)


async def _workload(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:  # a transaction: BEGIN, two statements, COMMIT
        await conn.execute(text("CREATE TABLE IF NOT EXISTS t (x int)"))
        await conn.execute(text("INSERT INTO t VALUES (1)"))
    async with engine.connect() as conn:  # a read in a transaction, rolled back on close
        await conn.execute(text("SELECT x FROM t"))
    async with engine.begin():  # nothing sent: asyncpg never began it
        pass
    async with autocommit_read(engine) as conn:  # a statement alone, no BEGIN
        await conn.execute(text("SELECT count(*) FROM t"))
    async with single_statement(engine) as conn:
        await conn.execute(text("UPDATE t SET x = 2"))
    sessions = make_session_factory(engine)
    async with read_session(sessions) as session:
        await session.execute(text("SELECT x FROM t"))
    async with sessions() as session, session.begin():
        await session.execute(text("WITH d AS (SELECT x FROM t) DELETE FROM t WHERE x IN (SELECT x FROM d)"))
    # A locked transaction: on PostgreSQL its BEGIN (with the lock) and COMMIT go by hand.
    async with DbKeyedLock("t").transaction(sessions, "k") as session:
        await session.execute(text("INSERT INTO t VALUES (3)"))


def test_leading_keyword() -> None:
    assert leading_keyword("  SELECT 1") == "select"
    assert leading_keyword("insert into t values (1)") == "insert"
    assert leading_keyword("UPDATE t SET x = 1") == "update"
    assert leading_keyword("DELETE FROM t") == "delete"
    assert leading_keyword("WITH a AS (SELECT 1) SELECT * FROM a") == "with"
    assert leading_keyword("\nCREATE TABLE t (x int)") == "other"
    assert leading_keyword("") == "other"


@pytest.mark.postgres
async def test_counts_match_what_asyncpg_sends(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(pg_url, pool_size=1)
    try:
        registry, sent = await _counting(engine, monkeypatch, "SELECT 1")
        await _workload(engine)
        # Begun by hand with a statement and nothing sent after it (an inbox claim whose effect
        # sent an email): a transaction all the same.
        sessions = make_session_factory(engine)
        async with sessions() as session, session.begin(), begin_carrying(session, "SELECT 1") as status:
            assert status == "SELECT 1"
    finally:
        await engine.dispose()
    begins = [q for q in sent if q.startswith("BEGIN")]
    ends = [q for q in sent if q.startswith(("COMMIT", "ROLLBACK"))]
    commits, rollbacks = _transactions(registry)
    # Five transactions sent something (the DDL and insert, the read, the session's CTE, the
    # locked insert, the one begun by hand).
    assert len(begins) == len(ends) == 5
    assert (commits, rollbacks) == (4, 1)
    assert _value(registry, "db_statements_total", verb="other") == 1
    assert _value(registry, "db_statements_total", verb="insert") == 2
    assert _value(registry, "db_statements_total", verb="select") == 3
    assert _value(registry, "db_statements_total", verb="update") == 1
    assert _value(registry, "db_statements_total", verb="with") == 1


@pytest.mark.postgres
async def test_direct_statements_are_counted_and_told_apart(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement sent on the driver's connection directly (shared/direct_sql.py) counts as any
    statement, and also as a direct one; a transaction whose only statement went direct counts."""
    engine = create_engine(pg_url, pool_size=1)
    numbers = table("t", column("x", Integer))
    try:
        registry, sent = await _counting(engine, monkeypatch, "CREATE TABLE t (x int)")
        async with autocommit_read(engine) as conn:
            await first_row(conn, select(func.count()).select_from(numbers))
        async with engine.begin() as conn:
            await first_row(conn, insert(numbers).values(x=bindparam("x")).returning(numbers.c.x), {"x": 5})
            await conn.execute(text("SELECT 1"))  # through SQLAlchemy: not direct
    finally:
        await engine.dispose()
    assert [q.split()[0].rstrip(";") for q in sent] == ["BEGIN", "COMMIT"]
    assert _transactions(registry) == (1, 0)
    assert (_value(registry, "db_statements_total", verb="select"),
            _value(registry, "db_statements_total", verb="insert")) == (2, 1)
    assert (_value(registry, "db_statements_direct_total", verb="select"),
            _value(registry, "db_statements_direct_total", verb="insert")) == (1, 1)


async def test_counts_on_sqlite(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    registry = CollectorRegistry()
    count_round_trips(engine, registry)
    try:
        await _workload(engine)
    finally:
        await engine.dispose()
    verbs = ("select", "insert", "update", "with", "other")
    total = sum(_value(registry, "db_statements_total", verb=v) for v in verbs)
    assert total == 8
    commits, rollbacks = _transactions(registry)
    assert commits >= 2 and rollbacks >= 1
