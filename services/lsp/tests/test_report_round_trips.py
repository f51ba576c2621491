"""Sending an application's status reports (``reports.flush_reports``, once per step) costs few
round trips to PostgreSQL: the unsent reports are read without a transaction, and the reports
sent are marked together by one statement that commits by itself; a failure is still noted as
before, after the ones sent before it."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import asyncpg
import httpx
import pytest
import respx
from sqlalchemy import select

from services.lsp.db.models import StatusReportRow
from services.lsp.tests.support import drive, round_trips, running, settings_for
from services.lsp.usecases import reports
from services.lsp.usecases.context import LspContext
from shared.bus.envelope import utcnow

pytestmark = pytest.mark.postgres


def _round_trips(ctx: LspContext, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    # Not the outbox relay's peeks.
    return round_trips(ctx, monkeypatch, lambda statement: "status_reports" in statement or "advisory" in statement)


async def _stage(ctx: LspContext, application_id: str, n: int) -> None:
    async with ctx.sessions() as s, s.begin():
        for i in range(n):
            report_id = str(uuid.uuid4())
            s.add(StatusReportRow(report_id=report_id, application_id=application_id, status="verified",
                                  payload={"report_id": report_id, "status": "verified", "n": i},
                                  created_at=utcnow(), attempts=0))


async def _sent(ctx: LspContext, application_id: str) -> list[tuple[int, bool, str | None]]:
    async with ctx.sessions() as s:
        rows = (await s.execute(
            select(StatusReportRow.attempts, StatusReportRow.sent_at.is_not(None), StatusReportRow.last_error)
            .where(StatusReportRow.application_id == application_id).order_by(StatusReportRow.seq))).all()
    return [(a, bool(sent), err) for a, sent, err in rows]


async def _two_staged(lsp: Any) -> tuple[LspContext, str, int]:
    """An application whose steps' reports went out, then two more staged: the context, its id
    and how many reports it had before the two."""
    ctx: LspContext = lsp.app.state.lsp
    aid = await drive(lsp, "forwarded")
    await reports.flush_reports(ctx, aid)  # whatever the steps left
    n = len(await _sent(ctx, aid))
    await _stage(ctx, aid, 2)
    return ctx, aid, n


async def test_sending_reports_takes_few_round_trips(pg_url: str, siki: respx.Route,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    async with running(settings_for(pg_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "forwarded")
        await reports.flush_reports(ctx, aid)  # whatever the steps left
        before = await _sent(ctx, aid)
        await _stage(ctx, aid, 3)
        seen = _round_trips(ctx, monkeypatch)
        assert await reports.flush_reports(ctx, aid) == 3
        monkeypatch.undo()
        seen = Counter(seen)
        after = await _sent(ctx, aid)
        assert after[:len(before)] == before
        assert after[len(before):] == [(1, True, None)] * 3
        # The lock taken by the read, one UPDATE marking the three and releasing the lock (both
        # WITH statements: db/report_flush.py); no transaction opened.
        assert seen == Counter({"WITH": 2}), seen


async def test_a_flush_with_nothing_to_send_is_one_statement_and_frees_the_lock(
        pg_url: str, siki: respx.Route, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another flush sent the reports already: the read finds none and releases the lock it took
    in the same statement."""
    async with running(settings_for(pg_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "forwarded")
        await reports.flush_reports(ctx, aid)  # whatever the steps left
        seen = _round_trips(ctx, monkeypatch)
        assert await reports.flush_reports(ctx, aid) == 0
        monkeypatch.undo()
        assert Counter(seen) == Counter({"WITH": 1}), seen
        other = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
        try:
            assert await other.fetchval("SELECT pg_try_advisory_lock($1)", ctx.report_locks.key_of(aid))
        finally:
            await other.close()


async def test_a_flush_waits_for_another_process_holding_the_application(pg_url: str, siki: respx.Route) -> None:
    """The try fails while another process holds the application's lock: the flush waits for
    it, then sends what is still unsent, and leaves the lock free."""
    async with running(settings_for(pg_url)) as lsp:
        ctx, aid, n = await _two_staged(lsp)
        key = ctx.report_locks.key_of(aid)
        other = await asyncpg.connect(pg_url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await other.execute("SELECT pg_advisory_lock($1)", key)
            flush = asyncio.create_task(reports.flush_reports(ctx, aid))
            await asyncio.sleep(0.3)
            assert not flush.done()
            await other.execute("SELECT pg_advisory_unlock($1)", key)
            assert await asyncio.wait_for(flush, 5) == 2
            assert await other.fetchval("SELECT pg_try_advisory_lock($1)", key)  # released
        finally:
            await other.close()
        assert (await _sent(ctx, aid))[n:] == [(1, True, None)] * 2


async def test_a_failure_is_still_noted_and_retried(pg_url: str, siki: respx.Route) -> None:
    async with running(settings_for(pg_url)) as lsp:
        ctx, aid, n = await _two_staged(lsp)
        siki.side_effect = [httpx.Response(200, json={"ok": True}), httpx.Response(503)]
        with pytest.raises(reports.ReportNotDelivered):
            await reports.flush_reports(ctx, aid)
        sent, failed = (await _sent(ctx, aid))[n:]
        assert sent == (1, True, None)
        assert failed[:2] == (1, False) and "503" in str(failed[2])  # SIKI's answer, for the staff
        siki.side_effect = None
        siki.return_value = httpx.Response(200, json={"ok": True})
        assert await reports.flush_reports(ctx, aid) == 1
        assert (await _sent(ctx, aid))[n:] == [(1, True, None), (2, True, None)]
