"""The hash-chained audit log: appends commit with their action, and any change is detected."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from shared.audit import GENESIS, HEAD_NAME, AuditHeadMixin, AuditMixin, Auditor
from shared.database import create_engine, make_session_factory
from shared.db_metrics import OTHER, VERBS, count_round_trips


class _Base(DeclarativeBase):
    pass


class AuditEntry(AuditMixin, _Base):
    pass


class AuditHead(AuditHeadMixin, _Base):
    pass


async def _engine(url: str) -> AsyncEngine:
    """The tables as every service declares them (its migration seeds the head row likewise)."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
        await conn.execute(sa.insert(AuditHead).values(name=HEAD_NAME, seq=0, hash=GENESIS))
    return engine


async def _append(engine: AsyncEngine, n: int) -> Auditor:
    auditor = Auditor(AuditEntry)
    sessions = make_session_factory(engine)
    for i in range(n):
        await auditor.record_alone(sessions, actor=f"operator:bnsp:op{i}@x.id", action="record.viewed",
                                   target_type="skk", target_id=f"T{i}", client="10.0.0.1", detail={"i": i})
    return auditor


async def _check(engine: AsyncEngine, auditor: Auditor) -> tuple[bool, int, int | None]:
    async with make_session_factory(engine)() as s:
        c = await auditor.verify(s)
    return c.ok, c.checked, c.first_invalid_id


async def test_chain_verifies_and_detects_an_altered_entry(tmp_path: Path) -> None:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path}/a.db")
    try:
        auditor = await _append(engine, 5)
        assert await _check(engine, auditor) == (True, 5, None)
        async with engine.begin() as conn:
            await conn.execute(sa.text("UPDATE audit_log SET actor = 'operator:bnsp:someone-else' WHERE id = 3"))
        assert await _check(engine, auditor) == (False, 2, 3)
    finally:
        await engine.dispose()


async def test_removed_entry_and_cut_tail_are_detected(tmp_path: Path) -> None:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path}/b.db")
    try:
        auditor = await _append(engine, 4)
        async with engine.begin() as conn:
            await conn.execute(sa.text("DELETE FROM audit_log WHERE id = 4"))
        ok, _, first = await _check(engine, auditor)
        assert not ok and first == 4
        async with engine.begin() as conn:
            await conn.execute(sa.text("DELETE FROM audit_log WHERE id = 2"))
        ok, checked, first = await _check(engine, auditor)
        assert (ok, checked, first) == (False, 1, 2)
    finally:
        await engine.dispose()


async def test_an_entry_rolls_back_with_its_action(tmp_path: Path) -> None:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path}/c.db")
    try:
        auditor = await _append(engine, 1)
        sessions = make_session_factory(engine)
        with pytest.raises(RuntimeError):
            async with sessions() as s, s.begin():
                await auditor.record(s, actor="public", action="x.failed")
                raise RuntimeError("the action failed")
        await _append(engine, 1)
        assert await _check(engine, auditor) == (True, 2, None)
        async with sessions() as s:
            found = await auditor.search(s, action="record.viewed", limit=10)
        assert [e.id for e in found] == [2, 1]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_concurrent_appends_on_postgres_form_one_chain(pg_url: str) -> None:
    engine = await _engine(pg_url)
    try:
        auditor = Auditor(AuditEntry)
        sessions = make_session_factory(engine)
        await asyncio.gather(*(auditor.record_alone(sessions, actor=f"service:t{i}", action="x.done")
                               for i in range(40)))
        assert await _check(engine, auditor) == (True, 40, None)
    finally:
        await engine.dispose()


async def test_a_rolled_back_entry_does_not_reach_the_sessions_next_transaction(tmp_path: Path) -> None:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path}/d.db")
    try:
        auditor = Auditor(AuditEntry)
        async with make_session_factory(engine)() as s:
            async with s.begin():
                await auditor.record(s, actor="public", action="x.failed")
                await s.rollback()
            async with s.begin():
                await auditor.record(s, actor="public", action="x.done")
            found = await auditor.search(s, limit=10)
        assert [e.action for e in found] == ["x.done"]
        assert await _check(engine, auditor) == (True, 1, None)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_the_chain_head_is_locked_only_as_the_action_commits(pg_url: str) -> None:
    """An audited action that is still running does not hold up another one: the head row is
    locked by the append at commit, not where the use case called ``record``."""
    engine = await _engine(pg_url)
    try:
        auditor = Auditor(AuditEntry)
        sessions = make_session_factory(engine)
        async with sessions() as slow, slow.begin():
            await auditor.record(slow, actor="staff:a", action="application.viewed")
            await slow.execute(sa.select(1))  # the rest of the slow action's transaction
            await asyncio.wait_for(auditor.record_alone(sessions, actor="staff:b", action="application.viewed"), 5)
        assert await _check(engine, auditor) == (True, 2, None)
        async with sessions() as s:
            assert [e.actor for e in await auditor.search(s, limit=10)] == ["staff:a", "staff:b"]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_an_append_on_postgres_is_one_statement_and_follows_a_commit_it_waited_for(pg_url: str) -> None:
    """The head is read, advanced and the entry hashed and inserted by one statement; an append
    that had to wait for another's commit chains onto that commit's entry, not onto the head its
    snapshot saw (the chain verifies)."""
    engine = await _engine(pg_url)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    try:
        auditor = Auditor(AuditEntry)
        sessions = make_session_factory(engine)
        async with sessions() as first:
            await first.begin()
            await auditor.record(first, actor="staff:a", action="application.viewed")
            sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
            await first.run_sync(lambda s: s.dispatch.before_commit(s))  # the append, not yet committed
            sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)
            assert len(statements) == 1 and "sha256" in statements[0]
            second = asyncio.create_task(auditor.record_alone(sessions, actor="staff:b", action="application.viewed"))
            await asyncio.sleep(0.3)
            assert not second.done()  # waiting for the head's lock
            await first.commit()
        await asyncio.wait_for(second, 5)
        assert await _check(engine, auditor) == (True, 2, None)
        async with sessions() as s:
            assert [(e.id, e.actor) for e in await auditor.search(s, limit=10)] == [(2, "staff:b"), (1, "staff:a")]
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_an_entry_alone_on_postgres_is_one_statement_without_a_transaction(pg_url: str) -> None:
    engine = await _engine(pg_url)
    try:
        registry = CollectorRegistry()
        count_round_trips(engine, registry)
        auditor = Auditor(AuditEntry)
        sessions = make_session_factory(engine)
        await auditor.record_alone(sessions, actor="staff:a", action="application.viewed")  # the head row made
        before = _round_trips(registry)
        await auditor.record_alone(sessions, actor="staff:b", action="application.viewed", application_id="app-1")
        # The append alone: one statement, and no BEGIN or COMMIT around it.
        assert _round_trips(registry) == (before[0] + 1, before[1])
        assert await _check(engine, auditor) == (True, 2, None)
        async with sessions() as s:
            found = await auditor.search(s, application_id="app-1", limit=10)
        assert [(e.actor, e.id) for e in found] == [("staff:b", 2)]
    finally:
        await engine.dispose()


def _round_trips(registry: CollectorRegistry) -> tuple[float, float]:
    """Statements and transactions counted so far (shared/db_metrics.py)."""
    statements = sum(registry.get_sample_value("db_statements_total", {"verb": verb}) or 0.0
                     for verb in (*VERBS, OTHER))
    transactions = sum(registry.get_sample_value("db_transactions_total", {"outcome": outcome}) or 0.0
                       for outcome in ("commit", "rollback"))
    return statements, transactions
