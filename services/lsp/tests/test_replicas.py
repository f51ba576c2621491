"""Two processes of one LSP on one PostgreSQL database (two apps in-process, each with its own
engine, pool, bus and locks): an application's status reports, flushed by both at once (the
consumer of each and the periodic resend), reach SIKI once each and in order; the periodic
sweeps run in one process at a time."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy import func, select

from services.lsp.db.models import StatusReportRow
from services.lsp.issuance.tests.harness import chain, lsp_runtime
from services.lsp.tests.support import ELIGIBILITY_PATH, SIKI_URL, Lsp, drive, eligible, running, settings_for
from services.lsp.usecases import payments, reports
from services.lsp.usecases.context import LspContext
from shared.bus import InProcessBus
from shared.contracts.states import ApplicationStatus as S
from shared.dblocks import try_session_lock

pytestmark = pytest.mark.postgres
ROUNDS = 6


@contextlib.asynccontextmanager
async def two_processes(pg_url: str, received: list[tuple[str, str, str]]) -> AsyncIterator[tuple[Lsp, Lsp]]:
    async def report_status(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.01)  # SIKI takes a moment: long enough for the other process to race
        body = json.loads(request.content)
        received.append((request.url.path.split("/")[-2], body["report_id"], body["status"]))
        return httpx.Response(200, json={"ok": True})

    with respx.mock(base_url=SIKI_URL, assert_all_called=False) as mock:
        mock.post(path__regex=r"^/api/v1/applications/[^/]+/status$").mock(side_effect=report_status)
        mock.get(path__regex=ELIGIBILITY_PATH).mock(side_effect=eligible)
        mock.put(path__regex=r"^/api/v1/applications/[^/]+/forms$").mock(return_value=httpx.Response(200))
        async with running(settings_for(pg_url)) as first, running(settings_for(pg_url)) as second:
            yield first, second


def ctx_of(lsp: Lsp) -> LspContext:
    ctx: LspContext = lsp.app.state.lsp
    return ctx


async def _rows(ctx: LspContext, application_id: str) -> list[tuple[str, str, bool]]:
    async with ctx.sessions() as s:
        found = (await s.execute(
            select(StatusReportRow.report_id, StatusReportRow.status, StatusReportRow.sent_at.is_not(None))
            .where(StatusReportRow.application_id == application_id).order_by(StatusReportRow.seq))).all()
    return [(r, st, bool(sent)) for r, st, sent in found]


async def test_reports_flushed_by_both_processes_reach_siki_once_in_order(pg_url: str) -> None:
    received: list[tuple[str, str, str]] = []
    async with two_processes(pg_url, received) as (first, second):
        one, two = ctx_of(first), ctx_of(second)
        for _ in range(ROUNDS):
            aid = await drive(first, "invoiced")
            # Both processes (their consumers and resend sweeps) flush the application at once.
            await asyncio.gather(reports.flush_reports(one, aid), reports.flush_reports(two, aid),
                                 reports.flush_reports(two, aid), reports.flush_reports(one, aid))
            rows = await _rows(one, aid)
            assert rows and all(sent for _, _, sent in rows), rows
            at_siki = [(report_id, status) for app, report_id, status in received if app == aid]
            assert at_siki == [(r, st) for r, st, _ in rows]  # each once, in the order staged
        async with one.sessions() as s:
            unsent = await s.scalar(select(func.count()).select_from(StatusReportRow)
                                    .where(StatusReportRow.sent_at.is_(None)))
        assert unsent == 0


async def test_one_process_sweeps_at_a_time(pg_url: str) -> None:
    received: list[tuple[str, str, str]] = []
    async with two_processes(pg_url, received) as (first, second):
        one, two = ctx_of(first), ctx_of(second)
        # While one process sweeps, the other's pass is skipped (and cancels nothing).
        async with try_session_lock(one.sessions, f"lsp:{one.code}:deadline-sweep") as mine:
            assert mine
            assert await payments.run_deadline_sweep(two, date(2999, 1, 1)) == []
        aid = await drive(first, "payment_rejected")
        swept = await asyncio.gather(payments.run_deadline_sweep(one, date(2999, 1, 1)),
                                     payments.run_deadline_sweep(two, date(2999, 1, 1)))
        assert sorted(swept, key=len) == [[], [aid]]  # cancelled once
        assert (await first.get(aid))["status"] == "cancelled"


async def test_issuance_run_by_both_processes_at_once_calls_the_authorities_once(pg_url: str, tmp_path: Path) -> None:
    async with chain(tmp_path, lsp_database_url=pg_url) as c:
        # The second process: its own runtime (engine, bus) and steps on the same database.
        runtime, steps = lsp_runtime(pg_url, InProcessBus(), c.fake, c.to_bnsp, c.to_lpjk)
        await runtime.startup()
        try:
            for i in range(4):
                aid = f"app-{i}"
                await c.fake.add(c.lsp, aid, S.COMPETENT)
                bnsp, lpjk = c.to_bnsp.calls, c.to_lpjk.calls
                one, two, _, _ = await asyncio.gather(c.steps.run(aid), steps.run(aid), c.steps.resume_unfinished(),
                                                      steps.resume_unfinished())
                assert one is not None and two is not None and one.pdf is not None
                assert one.pdf_sha256 == two.pdf_sha256  # one certificate, signed once
                assert (c.to_bnsp.calls - bnsp, c.to_lpjk.calls - lpjk) == (1, 1)
                assert [s for s, _ in await c.fake.steps(c.lsp, aid)] == ["skk_numbered", "recorded",
                                                                         "certificate_issued"]
        finally:
            await runtime.shutdown()
