"""The services' sessions answer ``get`` as SQLAlchemy's does, through a statement kept per
entity (shared/kept_get.py), on PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, selectinload

from shared.database import create_engine, make_session_factory, read_session, session_class
from shared.kept_get import kept_select
from shared.tests.plans import statements_of


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "kept_get_items"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))


class Pair(Base):
    __tablename__ = "kept_get_pairs"
    a: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    b: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(sa.String(50))


@pytest.fixture(params=["pg_url", "sqlite_url"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[Any]]:
    engine = create_engine(db_url, pool_size=1)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(sa.insert(Item), [{"id": "satu", "name": "Satu"}, {"id": "dua", "name": "Dua"}])
        await conn.execute(sa.insert(Pair).values(a="x", b=1, note="x1"))
    try:
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def executed(sessions: async_sessionmaker[Any]) -> AsyncIterator[list[Any]]:
    """The statements the factory's sessions executed through the ORM while the block ran."""
    seen: list[Any] = []

    def note(state: Any) -> None:
        seen.append(state.statement)

    cls = session_class(sessions)
    event.listen(cls, "do_orm_execute", note)
    try:
        yield seen
    finally:
        event.remove(cls, "do_orm_execute", note)


async def test_get_sends_the_statement_kept_for_its_entity(sessions: async_sessionmaker[Any]) -> None:
    mapper = inspect(Item)
    async with executed(sessions) as seen, sessions() as s:
        assert (await s.get(Item, "satu")).name == "Satu"
        assert (await s.get(Item, "dua")).name == "Dua"
        assert await s.get(Item, "tiga") is None
    assert seen == [kept_select(mapper, False)] * 3
    assert all(statement is kept_select(mapper, False) for statement in seen)  # built once

    async with executed(sessions) as seen, sessions() as s, s.begin():
        assert (await s.get(Pair, ("x", 1))).note == "x1"
        assert await s.get(Pair, ["x", 2]) is None
        assert (await s.get(Item, "satu", with_for_update=True)).name == "Satu"
    assert seen == [kept_select(inspect(Pair), False)] * 2 + [kept_select(mapper, True)]


async def test_a_locked_get_locks_the_row_on_postgres(pg_url: str) -> None:
    engine = create_engine(pg_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            await conn.execute(sa.insert(Item).values(id="satu", name="Satu"))
        sessions = make_session_factory(engine)
        async with statements_of(engine) as sent, sessions() as s, s.begin():
            await s.get(Item, "satu", with_for_update=True)
            await s.get(Item, "dua")
        assert [x for x in sent if "kept_get_items" in x] == [
            "SELECT kept_get_items.id, kept_get_items.name \nFROM kept_get_items \n"
            "WHERE kept_get_items.id = $1::VARCHAR FOR UPDATE",
            "SELECT kept_get_items.id, kept_get_items.name \nFROM kept_get_items \n"
            "WHERE kept_get_items.id = $1::VARCHAR"]
    finally:
        await engine.dispose()


async def test_what_the_session_holds_is_answered_as_sqlalchemy_answers_it(sessions: async_sessionmaker[Any]) -> None:
    async with executed(sessions) as seen, sessions() as s, s.begin():
        first = await s.get(Item, "satu")
        first.name = "diubah"  # unflushed: the identity map's object is the answer, no statement
        assert await s.get(Item, "satu") is first and first.name == "diubah"
        assert len(seen) == 1
        s.expire(first)  # expired: refreshed from the database, as SQLAlchemy's get does
        assert (await s.get(Item, "satu")) is first and first.name == "Satu"
        # A pending object is flushed first (autoflush) and found.
        s.add(Item(id="empat", name="Empat"))
        assert (await s.get(Item, "empat")).name == "Empat"
        # What the kept statement does not cover is SQLAlchemy's own get.
        assert (await s.get(Item, "dua", options=[selectinload("*")])).name == "Dua"
        assert (await s.get(Item, "dua", populate_existing=True)).name == "Dua"
        assert (await s.get(Item, {"id": "dua"})).name == "Dua"
    kept = [x for x in seen if x is kept_select(inspect(Item), False)]
    assert len(kept) == 2  # the first read and the pending one's; the rest went SQLAlchemy's way


async def test_a_read_session_gets_the_same_way(sessions: async_sessionmaker[Any]) -> None:
    seen: list[Any] = []

    def note(state: Any) -> None:
        seen.append(state.statement)

    async with read_session(sessions) as s:
        event.listen(s.sync_session, "do_orm_execute", note)
        found = await s.get(Item, "dua")
        assert found is not None and found.name == "Dua"
    assert seen == [kept_select(inspect(Item), False)]
