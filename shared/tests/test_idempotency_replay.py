"""A keyed POST whose effects committed but whose answer was lost (the process died in between):
the note the handler left with its transaction (shared/idempotency_marks.py) lets the retry
answer from what was stored instead of acting again. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.crypto import attach_data_keys
from shared.database import NAMING_CONVENTION, create_engine, make_session_factory
from shared.errors import install_problem_handlers
from shared.idempotency import DEFAULT_EXEMPT, HEADER, IdempotencyKeyMixin, IdempotencyMiddleware, IdempotencyStore
from shared.idempotency_marks import COMMITTED, remember, replayed, watch_sessions
from shared.tests.test_idempotency import KEYS


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Key(IdempotencyKeyMixin, Base):
    pass


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))


class NewThing(BaseModel):
    name: str
    aware: bool = True  # the handler leaves a note (False: it does not, and runs again on a retry)
    fail_inside: bool = False  # the handler fails inside its transaction, after remember()
    commits: int = 1  # transactions the handler commits in all (the later ones write nothing)
    late_note: bool = False  # the last of them remembers one more note


@asynccontextmanager
async def service(url: str, *, lease: float) -> AsyncIterator[tuple[httpx.AsyncClient, IdempotencyStore, AsyncEngine]]:
    engine = create_engine(url)
    attach_data_keys(engine, KEYS)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    sessions: async_sessionmaker[Any] = make_session_factory(engine)
    watch_sessions(sessions.kw["sync_session_class"])
    app = FastAPI()
    install_problem_handlers(app)
    store = IdempotencyStore(engine, Key.__table__, lease=lease)  # type: ignore[arg-type]
    app.add_middleware(IdempotencyMiddleware, owner=app, store=store, secret=b"s" * 32,
                       principal=lambda h: "alice", exempt=DEFAULT_EXEMPT)

    @app.post("/things", status_code=201, operation_id="create_thing")
    async def create(body: NewThing) -> dict[str, Any]:
        notes = replayed()
        if notes and "thing_id" in notes:  # done before: answer from what was stored
            async with sessions() as session:
                row = await session.get(Thing, notes["thing_id"])
                assert row is not None
                return {"id": row.id, "name": row.name}
        async with sessions() as session, session.begin():
            thing = Thing(id=str(uuid.uuid4()), name=body.name)
            session.add(thing)
            if body.aware:
                remember(thing_id=thing.id)
            if body.fail_inside:
                raise RuntimeError("failed before the commit")
        for n in range(1, body.commits):
            async with sessions() as session, session.begin():
                await session.execute(sa.select(sa.func.count()).select_from(Thing))
                if body.late_note and n == body.commits - 1:
                    remember(checked="yes")
        return {"id": thing.id, "name": thing.name}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            yield client, store, engine
    finally:
        await engine.dispose()


async def things(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(Thing))).scalar_one())


def dies_after_the_handler(store: IdempotencyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies once the handler returned: nothing stored, nothing released."""
    async def gone(*_: object) -> None:
        raise ConnectionError("the process is gone")

    monkeypatch.setattr(store, "complete", gone)
    monkeypatch.setattr(store, "release", gone)


async def test_a_retry_after_a_death_answers_from_the_note(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await retry_after_a_death(sqlite_url, monkeypatch)


async def test_a_retry_after_a_death_answers_from_the_note_on_postgres(pg_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    await retry_after_a_death(pg_url, monkeypatch)


async def retry_after_a_death(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with service(url, lease=0.4) as (client, store, engine):
        with monkeypatch.context() as m:
            dies_after_the_handler(store, m)
            first = await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})
        assert first.status_code == 201
        async with engine.connect() as conn:  # the note committed with the thing
            status = (await conn.execute(sa.select(Key.__table__.c.status))).scalar_one()
        assert status == COMMITTED
        # While the first attempt's lease runs it may still be answering: 409, nothing done.
        assert (await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})).status_code == 409
        await asyncio.sleep(0.5)
        retried = await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})
        assert retried.status_code == 201 and retried.json() == first.json()
        assert await things(engine) == 1
        # The retry's answer is kept like any other: the next one is a plain replay.
        again = await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        # Another body under that key is still refused.
        assert (await client.post("/things", json={"name": "b"}, headers={HEADER: "k1"})).status_code == 422


async def test_a_failure_after_the_commit_lets_the_retry_answer_at_once(sqlite_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    async with service(sqlite_url, lease=60) as (client, store, engine):
        async def lost(*_: object) -> None:
            raise ConnectionError("the database went away after the commit")

        with monkeypatch.context() as m:
            m.setattr(store, "complete", lost)
            first = await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})
        assert first.status_code == 201
        # The answer could not be stored, but the attempt ended: the claim's lease no longer holds it.
        await store.release(*(await _only_claim(engine)))
        retried = await client.post("/things", json={"name": "a"}, headers={HEADER: "k1"})
        assert retried.status_code == 201 and retried.json() == first.json()
        assert await things(engine) == 1


async def _only_claim(engine: AsyncEngine) -> tuple[str, str]:
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(Key.__table__.c.key, Key.__table__.c.claim))).one()
    return row.key, row.claim


async def test_a_rolled_back_transaction_leaves_no_note(sqlite_url: str) -> None:
    async with service(sqlite_url, lease=60) as (client, _store, engine):
        failed = await client.post("/things", json={"name": "a", "fail_inside": True}, headers={HEADER: "k1"})
        assert failed.status_code == 500 and await things(engine) == 0
        async with engine.connect() as conn:  # released: nothing committed, nothing kept
            assert (await conn.execute(sa.select(sa.func.count()).select_from(Key.__table__))).scalar_one() == 0


async def test_a_handler_without_a_note_runs_again(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The documented limit: only handlers that leave a note answer from it.
    async with service(sqlite_url, lease=0.3) as (client, store, engine):
        with monkeypatch.context() as m:
            dies_after_the_handler(store, m)
            await client.post("/things", json={"name": "a", "aware": False}, headers={HEADER: "k1"})
        await asyncio.sleep(0.4)
        await client.post("/things", json={"name": "a", "aware": False}, headers={HEADER: "k1"})
        assert await things(engine) == 2


async def test_a_request_without_a_key_does_not_see_its_callers_claim(sqlite_url: str) -> None:
    async with service(sqlite_url, lease=60) as (client, _store, engine):
        # No key: no claim, no note anywhere, and a plain create.
        assert (await client.post("/things", json={"name": "a"})).status_code == 201
        async with engine.connect() as conn:
            assert (await conn.execute(sa.select(sa.func.count()).select_from(Key.__table__))).scalar_one() == 0


async def test_notes_are_written_again_only_when_they_changed(sqlite_url: str) -> None:
    """A handler that commits several transactions writes its notes with the first, and again
    only with a commit that added to them."""
    async with service(sqlite_url, lease=60) as (client, _store, engine):
        updates: list[str] = []
        sa.event.listen(engine.sync_engine, "before_cursor_execute",
                        lambda *a: updates.append(a[2]) if a[2].lstrip().upper().startswith("UPDATE") else None)

        async def keyed_updates(key: str, **body: Any) -> int:
            updates.clear()
            assert (await client.post("/things", json={"name": "a", **body}, headers={HEADER: key})).status_code == 201
            return sum("idempotency_keys" in u for u in updates)

        once = await keyed_updates("k1")  # the notes with the commit, then the stored answer
        assert once == 2
        assert await keyed_updates("k2", commits=3) == once
        assert await keyed_updates("k3", commits=3, late_note=True) == once + 1
