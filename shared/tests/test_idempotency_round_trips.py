"""On PostgreSQL a keyed POST's usual claim (a new key) and the storing of its answer are one
statement each, in autocommit: no ``BEGIN`` and ``COMMIT`` round trips around them. A known key
still goes through the transaction that reads and decides (a stored answer is replayed)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from shared.crypto import attach_data_keys
from shared.database import create_engine
from shared.idempotency import IdempotencyStore, Stored
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
