"""The hash-chained audit log: appends commit with their action, and any change is detected."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from shared.audit import GENESIS, HEAD_NAME, AuditHeadMixin, AuditMixin, Auditor
from shared.database import create_engine, make_session_factory


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
