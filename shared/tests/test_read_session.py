"""``read_session``: an ORM session for reads that on PostgreSQL sends no BEGIN and no ROLLBACK
around its reads, and that refuses to write on either database (a write there would commit
statement by statement on PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.database import ReadOnlyViolation, create_engine, make_session_factory, read_session
from shared.tests.round_trips import simple_queries


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "read_session_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))


@asynccontextmanager
async def _sessions(url: str) -> AsyncIterator[async_sessionmaker[Any]]:
    engine = create_engine(url, pool_size=1)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(sa.insert(Item).values(id=1, name="satu"))
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


async def _reads_see_committed_rows(sessions: async_sessionmaker[Any]) -> None:
    async with read_session(sessions) as s:
        assert (await s.get_one(Item, 1)).name == "satu"
        assert await s.scalar(sa.select(sa.func.count()).select_from(Item)) == 1
        assert await s.scalar(sa.text("\n select name from read_session_items")) == "satu"
    async with sessions() as s, s.begin():
        (await s.get_one(Item, 1)).name = "dua"
    async with read_session(sessions) as s:  # a fresh session: no stale identity map
        assert (await s.get_one(Item, 1)).name == "dua"


async def _a_write_is_refused_and_nothing_is_stored(sessions: async_sessionmaker[Any]) -> None:
    async with read_session(sessions) as s:
        s.add(Item(id=2, name="dua"))
        with pytest.raises(ReadOnlyViolation):
            await s.flush()
    async with read_session(sessions) as s:
        (await s.get_one(Item, 1)).name = "diubah"
        with pytest.raises(ReadOnlyViolation):  # autoflush before the query
            await s.scalar(sa.select(Item.name).where(Item.id == 1))
    async with read_session(sessions) as s:
        with pytest.raises(ReadOnlyViolation):
            await s.execute(sa.update(Item).where(Item.id == 1).values(name="diubah"))
        with pytest.raises(ReadOnlyViolation):
            await s.execute(sa.delete(Item))
        with pytest.raises(ReadOnlyViolation):
            await s.execute(sa.text("UPDATE read_session_items SET name = 'diubah'"))
    async with sessions() as s:
        assert (await s.execute(sa.select(Item.id, Item.name))).all() == [(1, "satu")]


async def test_reads_and_refused_writes_on_sqlite(sqlite_url: str) -> None:
    async with _sessions(sqlite_url) as sessions:
        await _a_write_is_refused_and_nothing_is_stored(sessions)
        await _reads_see_committed_rows(sessions)


@pytest.mark.postgres
async def test_reads_and_refused_writes_on_postgres(pg_url: str) -> None:
    async with _sessions(pg_url) as sessions:
        await _a_write_is_refused_and_nothing_is_stored(sessions)
        await _reads_see_committed_rows(sessions)


@pytest.mark.postgres
async def test_no_begin_and_no_rollback_on_postgres(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _sessions(pg_url) as sessions:
        async with read_session(sessions) as s:  # warm: the connection and its set-up
            await s.get(Item, 1)
        sent = simple_queries(monkeypatch)  # BEGIN, COMMIT and ROLLBACK go this way
        async with read_session(sessions) as s:
            await s.get(Item, 7)
            await s.scalar(sa.select(sa.func.count()).select_from(Item))
        assert sent == []
        # The pool's connection is transactional again for the service's own sessions.
        async with sessions() as s, s.begin():
            s.add(Item(id=3, name="tiga"))
        assert len(sent) == 2 and sent[0].startswith("BEGIN") and sent[1].startswith("COMMIT")
