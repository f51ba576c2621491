"""``shared.staged_rows``: the inserts folded into a step's statement are ones SQLAlchemy caches
(a multi-row VALUES has no cache key: compiled again on every use), and several rows still go
in in their order, in the CTE of an update as on their own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from shared.staged_rows import Shaped, combined, execute_with, flush_with_staged, rows_insert, rows_insert_if

META = MetaData()
HEADS = Table("heads", META, Column("id", String, primary_key=True), Column("n", Integer))
ROWS = Table("rows", META, Column("seq", Integer, primary_key=True, autoincrement=True),
             Column("name", String), Column("at", String), Column("attempts", Integer, default=0))


def _rows(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "at": datetime.now(UTC).isoformat()} for n in names]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_the_insert_has_a_cache_key_that_does_not_depend_on_the_values(count: int) -> None:
    first = cast(Insert, rows_insert(ROWS, _rows(*(f"a{i}" for i in range(count)))).statement)._generate_cache_key()
    second = cast(Insert, rows_insert(ROWS, _rows(*(f"b{i}" for i in range(count)))).statement)._generate_cache_key()
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
                                   # A second insert of the table built for the call, as SIKI's documents are.
                                   [rows_insert(ROWS, _rows(*names[:3])), insert(ROWS).values(_rows(names[3])[0])])
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


# flush_with_staged: an ORM unit of work whose new rows of the named models go in with one statement.

class _Base(DeclarativeBase):
    pass


class _Parent(_Base):
    __tablename__ = "staged_parents"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class _Entry(_Base):
    __tablename__ = "staged_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_id: Mapped[str] = mapped_column(ForeignKey("staged_parents.id"))
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class _Event(_Base):
    __tablename__ = "staged_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class _Note(_Base):  # not named to flush_with_staged: left to the flush
    __tablename__ = "staged_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(16))


async def test_staged_rows_go_in_after_the_flush_on_sqlite(sqlite_url: str) -> None:
    await _staged_step(sqlite_url, postgres=False)


@pytest.mark.postgres
async def test_staged_rows_go_in_with_one_statement_on_postgresql(pg_url: str) -> None:
    await _staged_step(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1), postgres=True)


async def _staged_step(url: str, *, postgres: bool) -> None:
    engine = create_async_engine(url)
    statements: list[str] = []
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        async with AsyncSession(engine, expire_on_commit=False) as s, s.begin():
            s.add(_Parent(id="old", status="draft"))
        def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        async with AsyncSession(engine) as s, s.begin():
            old = await s.get(_Parent, "old")
            assert old is not None
            statements.clear()
            old.status = "moved"
            s.add(_Parent(id="new", status="draft"))  # a row the staged ones refer to
            s.add_all([_Entry(parent_id="new", status=n) for n in ("b", "a", "c")])
            s.add(_Event(name="e1"))
            s.add(_Note(text="flushed"))
            s.add(_Event(name="e2"))
            await flush_with_staged(s, _Entry, _Event)
            assert not s.new
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
        async with engine.connect() as conn:
            entries = (await conn.execute(select(_Entry.status, _Entry.reasons).order_by(_Entry.seq))).all()
            events = (await conn.execute(select(_Event.name, _Event.version).order_by(_Event.seq))).all()
            notes = (await conn.execute(select(_Note.text))).scalars().all()
            parents = dict((await conn.execute(select(_Parent.id, _Parent.version))).all())
        assert [e.status for e in entries] == ["b", "a", "c"] and all(e.reasons == [] for e in entries)
        assert [tuple(e) for e in events] == [("e1", 1), ("e2", 1)]
        assert notes == ["flushed"] and parents == {"old": 2, "new": 1}
        staged = [q for q in statements if "staged_entries" in q or "staged_events" in q]
        if postgres:  # the flush (parents, the note), then one statement for both tables
            assert len(staged) == 1 and "staged_entries" in staged[0] and "staged_events" in staged[0]
        else:
            assert len(staged) == 2
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_stale_row_stops_the_step_before_its_staged_rows(pg_url: str) -> None:
    engine = create_async_engine(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        async with AsyncSession(engine) as s, s.begin():
            s.add(_Parent(id="p", status="draft"))
        with pytest.raises(StaleDataError):
            async with AsyncSession(engine) as s, s.begin():
                parent = await s.get(_Parent, "p")
                assert parent is not None
                async with engine.begin() as other:  # another writer moves it meanwhile
                    await other.execute(update(_Parent).where(_Parent.id == "p").values(version=5))
                parent.status = "moved"
                s.add(_Entry(parent_id="p", status="moved"))
                await flush_with_staged(s, _Entry)
        async with engine.connect() as conn:
            assert (await conn.execute(select(_Entry.seq))).all() == []
    finally:
        await engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("count", [1, 3])
async def test_rows_inserted_only_if_the_condition_yields_a_row(pg_url: str, count: int) -> None:
    """``rows_insert_if``: in order and with their defaults when the CTE it names yields a row,
    none at all when it yields none."""
    engine = create_async_engine(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            await conn.execute(insert(HEADS).values(id="h", n=0))
        for head, names in (("h", [f"yes{i}" for i in range(count)]), ("none", [f"no{i}" for i in range(count)])):
            found = select(HEADS.c.id).where(HEADS.c.id == head).cte("found")
            guarded = rows_insert_if(ROWS, _rows(*names), found)
            assert guarded is not None
            async with engine.begin() as conn:
                into = cast(Insert, guarded.statement).cte("guarded")
                await conn.execute(select(exists(found.select())).add_cte(into), dict(guarded.params))
        async with engine.connect() as conn:
            stored = (await conn.execute(select(ROWS.c.name, ROWS.c.attempts).order_by(ROWS.c.seq))).all()
        assert [(r.name, r.attempts) for r in stored] == [(f"yes{i}", 0) for i in range(count)]
    finally:
        await engine.dispose()


def test_no_conditional_insert_when_a_default_is_computed_from_the_row() -> None:
    table = Table("computed", MetaData(), Column("id", Integer, primary_key=True), Column("name", String),
                  Column("slug", String, default=lambda ctx: ctx.get_current_parameters()["name"].lower()))
    found = select(HEADS.c.id).cte("found")
    assert rows_insert_if(table, [{"name": "A"}], found) is None


@pytest.mark.postgres
async def test_a_step_statement_after_pending_changes_sees_them_written_first(pg_url: str) -> None:
    """execute_with sends its statement on the driver's connection only when the session has
    nothing to flush; with a pending change it autoflushes first, as session.execute does."""
    engine = create_async_engine(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)
        parents = cast(Table, _Parent.__table__)
        async with AsyncSession(engine) as s, s.begin():
            s.add(_Parent(id="p", status="draft"))  # pending: the update below must find it
            await execute_with(s, update(parents).where(parents.c.id == "p").values(status="moved"),
                               [rows_insert(cast(Table, _Event.__table__), [{"name": "e"}])])
            await execute_with(s, update(parents).where(parents.c.id == "p").values(version=parents.c.version + 1),
                               [])  # a clean session: direct
        async with engine.connect() as conn:
            row = (await conn.execute(select(_Parent.status, _Parent.version))).one()
            events = (await conn.execute(select(_Event.name))).scalars().all()
        assert tuple(row) == ("moved", 2) and events == ["e"]
    finally:
        await engine.dispose()


def test_the_step_statement_is_kept_and_only_its_parameters_change() -> None:
    """Built once per shape: a second step of the same shape reuses the statement (so SQLAlchemy's
    memoised cache key), its values only in the parameters."""
    head = Shaped(update(HEADS).where(HEADS.c.id == bindparam("head")).values(n=bindparam("n")), {"head": "h", "n": 1})
    first, first_params = combined(head, [rows_insert(ROWS, _rows("a", "b"))])
    again = Shaped(head.statement, {"head": "h", "n": 2})
    second, second_params = combined(again, [rows_insert(ROWS, _rows("c", "d"))])
    assert second is first
    assert (first_params["rows_0_name"], first_params["rows_1_name"], first_params["n"]) == ("a", "b", 1)
    assert (second_params["rows_0_name"], second_params["rows_1_name"], second_params["n"]) == ("c", "d", 2)
    assert second_params["rows_0_attempts"] == 0  # the column's default, as a parameter
    # A part built for the call is not kept (its identity says nothing of its values).
    built, _ = combined(again, [insert(ROWS).values(_rows("e")[0])])
    assert built is not first


def test_two_kept_inserts_of_one_table_in_one_statement_are_refused() -> None:
    """Rows of one table go in as one insert (PostgreSQL runs CTEs in no set order); two would
    also share their parameters' names."""
    head = Shaped(update(HEADS).where(HEADS.c.id == "h").values(n=1))
    with pytest.raises(ValueError, match="share parameters"):
        combined(head, [rows_insert(ROWS, _rows("a")), rows_insert(ROWS, _rows("b"))])
