"""``rows_insert``: the inserts SIKI folds into a step's statement are ones SQLAlchemy caches
(a multi-row VALUES has no cache key: compiled again on every use), and several rows still go
in in their order, in the CTE of an update as on their own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from services.siki.db.common import execute_with, rows_insert

META = MetaData()
HEADS = Table("heads", META, Column("id", String, primary_key=True), Column("n", Integer))
ROWS = Table("rows", META, Column("seq", Integer, primary_key=True, autoincrement=True),
             Column("name", String), Column("at", String), Column("attempts", Integer, default=0))


def _rows(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "at": datetime.now(UTC).isoformat()} for n in names]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_the_insert_has_a_cache_key_that_does_not_depend_on_the_values(count: int) -> None:
    first = rows_insert(ROWS, _rows(*(f"a{i}" for i in range(count))))._generate_cache_key()
    second = rows_insert(ROWS, _rows(*(f"b{i}" for i in range(count))))._generate_cache_key()
    assert first is not None and second is not None
    assert first.key == second.key
    # What it replaces had none: the reason it was compiled on every use.
    assert insert(ROWS).values(_rows("a", "b"))._generate_cache_key() is None


async def test_several_rows_go_in_in_their_order_with_their_defaults_on_sqlite(sqlite_url: str) -> None:
    await _insert_in_a_step(sqlite_url)


@pytest.mark.postgres
async def test_several_rows_go_in_in_their_order_with_their_defaults_on_postgresql(pg_url: str) -> None:
    await _insert_in_a_step(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))


async def _insert_in_a_step(url: str) -> None:
    """An update with the inserts folded in (one statement on PostgreSQL, CTEs)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            await conn.execute(insert(HEADS).values(id="h", n=0))
        names = ["c", "a", "d", "b"]
        async with engine.begin() as conn:
            async with AsyncSession(bind=conn) as s:
                await execute_with(s, update(HEADS).where(HEADS.c.id == "h").values(n=4),
                                   [rows_insert(ROWS, _rows(*names[:3])), rows_insert(ROWS, _rows(names[3]))])
        async with engine.connect() as conn:
            stored = (await conn.execute(select(ROWS.c.name, ROWS.c.attempts).order_by(ROWS.c.seq))).all()
            head = (await conn.execute(select(HEADS.c.n))).scalar()
        # In their order within the insert (PostgreSQL runs the CTEs themselves in no set order).
        assert [r.name for r in stored if r.name in names[:3]] == names[:3]
        assert sorted(r.name for r in stored) == sorted(names)
        assert all(r.attempts == 0 for r in stored)
        assert head == 4
    finally:
        await engine.dispose()
