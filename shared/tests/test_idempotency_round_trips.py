"""On PostgreSQL a keyed POST's usual claim (a new key) and the storing of its answer are one
statement each, in autocommit: no ``BEGIN`` and ``COMMIT`` round trips around them. A known key
still goes through the transaction that reads and decides (a stored answer is replayed)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from shared.crypto import attach_data_keys
from shared.database import create_engine, make_session_factory, session_class
from shared.idempotency import IdempotencyStore, Stored
from shared.idempotency_marks import (
    COMMITTED,
    ActiveClaim,
    activate,
    carrying_notes,
    deactivate,
    decode_notes,
    remember,
    watch_sessions,
)
from shared.tests.round_trips import simple_queries
from shared.tests.test_idempotency import KEYS
from shared.tests.test_idempotency_replay import Base, Key


@pytest.mark.postgres
async def test_a_new_key_is_claimed_and_answered_in_one_round_trip_each(pg_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(pg_url)
    attach_data_keys(engine, KEYS)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        store = IdempotencyStore(engine, Key.__table__)  # type: ignore[arg-type]
        # Warm the pool and the statement caches: what is counted is the steady state.
        assert await store.claim("warm", "f", "c0") is None
        await store.complete("warm", "c0", Stored(201, [], b"{}"))
        sent = simple_queries(monkeypatch)  # BEGIN, COMMIT and ROLLBACK go this way
        statements: list[str] = []

        def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
        assert await store.claim("k1", "f1", "c1") is None
        await store.complete("k1", "c1", Stored(201, [(b"content-type", b"application/json")], b'{"id": 1}'))
        assert sent == [] and len(statements) == 2
        # The same key again: the stored answer, as before.
        again = await store.claim("k1", "f1", "c2")
        assert isinstance(again, Stored) and (again.status, again.body) == (201, b'{"id": 1}')
        sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_read_can_carry_the_notes_so_the_commit_sends_no_update(pg_url: str) -> None:
    """``carrying_notes``: the notes written by a read of the effects' transaction (one round
    trip fewer), taken as written only when that transaction commits; rolled back, the next
    commit of the request writes them itself."""
    engine = create_engine(pg_url)
    attach_data_keys(engine, KEYS)
    sessions = make_session_factory(engine)
    watch_sessions(session_class(sessions))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        store = IdempotencyStore(engine, Key.__table__)  # type: ignore[arg-type]
        read = sa.select(sa.literal(1).label("one"))
        for key in ("carried", "rolled-back"):
            assert await store.claim(key, "f", "c1") is None
        statements: list[str] = []

        def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
        claim = ActiveClaim(Key.__table__, engine.sync_engine, "carried", "c1")  # type: ignore[arg-type]
        token = activate(claim)
        try:
            async with sessions() as s, s.begin():
                remember(thing_id="t1")
                statement, params = carrying_notes(s, read, {})
                assert (await s.execute(statement, params)).scalar() == 1
        finally:
            deactivate(token)
        assert len(statements) == 1 and "idempotency_notes" in statements[0]
        assert claim.written == {"thing_id": "t1"}

        statements.clear()
        claim = ActiveClaim(Key.__table__, engine.sync_engine, "rolled-back", "c1")  # type: ignore[arg-type]
        token = activate(claim)
        try:
            with pytest.raises(LookupError):
                async with sessions() as s, s.begin():
                    remember(thing_id="t2")
                    statement, params = carrying_notes(s, read, {})
                    await s.execute(statement, params)
                    raise LookupError("refused after the read")
            assert claim.written is None
            async with sessions() as s, s.begin():  # a later commit of the same request
                await s.execute(read)
        finally:
            deactivate(token)
        sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)
        assert statements[-1].lstrip().upper().startswith("UPDATE IDEMPOTENCY_KEYS")
        assert claim.written == {"thing_id": "t2"}
        async with sessions() as s:
            rows = {k.key: (k.status, decode_notes(k.body)) for k in (await s.execute(sa.select(Key))).scalars()}
        assert rows == {"carried": (COMMITTED, {"thing_id": "t1"}), "rolled-back": (COMMITTED, {"thing_id": "t2"})}
    finally:
        await engine.dispose()
