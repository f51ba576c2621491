"""Two SIKI processes on one PostgreSQL database (two apps in-process, each with its own engine,
pool and locks), racing under ``asyncio.gather`` for many rounds: the same NIK's submissions,
the same application's submission and its LSP's reports, each sent to both at once, take
effect once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select

from services.siki.db.models import Application, StatusReportRecord, TimelineEntry
from services.siki.tests.conftest import WEBHOOK_A, Harness, build_settings, report, running
from services.siki.tests.test_ownership import apply

pytestmark = pytest.mark.postgres
ROUNDS = 15


@contextlib.asynccontextmanager
async def two_processes(pg_url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    with respx.mock(assert_all_called=False) as lsp_http:
        lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
        async with running(build_settings(pg_url)) as first, running(build_settings(pg_url)) as second:
            yield first, second


def _for_nik(body: dict[str, Any], serial: int) -> str:
    nik = f"317101170890{serial:04d}"  # born 1990-08-17, male, like the conftest's NIK
    body["nik"] = body["sections"]["personal"]["nik"] = nik
    return nik


async def _count(h: Harness, stmt: Any) -> int:
    async with h.runtime.sessions() as s:
        return int((await s.execute(stmt)).scalar_one())


async def test_one_nik_submitted_to_both_processes_at_once(pg_url: str) -> None:
    async with two_processes(pg_url) as (first, second):
        for i in range(ROUNDS):
            # Two applications of one NIK for the same jabatan kerja (one account): one accepted.
            one, two = apply("SI012022", account="user-1"), apply("SI012022", account="user-1")
            nik = _for_nik(one, i + 1)
            _for_nik(two, i + 1)
            answers = await asyncio.gather(first.submit(one), second.submit(two))
            assert sorted(r.status_code for r in answers) == [202, 422], [r.text for r in answers]
            held = select(func.count()).select_from(Application).where(Application.id.in_([one["id"], two["id"]]))
            assert await _count(first, held) == 1, nik


async def test_the_same_submission_and_report_to_both_processes_at_once(pg_url: str) -> None:
    async with two_processes(pg_url) as (first, second):
        for i in range(ROUNDS):
            body = apply("SI012022", account=f"user-{i}")
            _for_nik(body, 100 + i)
            app_id = body["id"]
            submitted = await asyncio.gather(first.submit(body), second.submit(body))
            assert [r.status_code for r in submitted] == [202, 202], [r.text for r in submitted]
            # The same report (a retry) to both at once: one step, the same answer twice.
            step = report("accepted")
            answers = await asyncio.gather(first.report(app_id, step), second.report(app_id, step))
            assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
            assert answers[0].json() == answers[1].json()
            # Two different reports of one step: one takes effect, the other is refused (409).
            racing = await asyncio.gather(first.report(app_id, report("invoiced")),
                                          second.report(app_id, report("invoiced")))
            assert sorted(r.status_code for r in racing) == [200, 409], [r.text for r in racing]
            steps = (await first.timeline(app_id))
            statuses = [e["status"] for e in steps]
            assert statuses.count("submitted") == 1 and statuses.count("accepted") == 1, statuses
            assert statuses.count("invoiced") == 1 and statuses.count("forwarded") == 1, statuses
            assert [e["seq"] for e in steps] == list(range(1, len(steps) + 1))
            reports = select(func.count()).select_from(StatusReportRecord).where(
                StatusReportRecord.application_id == app_id)
            assert await _count(first, reports) == 2
            entries = select(func.count()).select_from(TimelineEntry).where(TimelineEntry.application_id == app_id)
            assert await _count(second, entries) == len(steps)
