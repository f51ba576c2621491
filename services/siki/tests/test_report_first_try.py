"""A status report's first try on PostgreSQL (usecases/reports.py): applied outside any
transaction, in one statement that writes only while the application's last step is the one
read. Whatever moves the application in between (another step, a retry of the same report)
makes it write nothing, and the locked path decides, as it always did."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select, update

from services.siki.db import applications
from services.siki.db.models import Application, OutboxEvent, StatusReportRecord, TimelineEntry
from services.siki.tests.conftest import WEBHOOK_A, Harness, build_settings, report, running, submission
from services.siki.tests.test_round_trips import _quiet

pytestmark = pytest.mark.postgres


@contextlib.asynccontextmanager
async def _forwarded(pg_url: str, lsp_http: respx.MockRouter) -> AsyncIterator[tuple[Harness, str]]:
    """SIKI on PostgreSQL with one application submitted and delivered to LSP-A (``forwarded``)."""
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(build_settings(pg_url)) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await _quiet(h, body["id"])
        yield h, body["id"]


async def _written(h: Harness, app_id: str) -> dict[str, Any]:
    async with h.runtime.sessions() as s:
        app = (await s.execute(select(Application.status, Application.last_seq)
                               .where(Application.id == app_id))).one()
        steps = (await s.execute(select(TimelineEntry.seq, TimelineEntry.status)
                                 .where(TimelineEntry.application_id == app_id).order_by(TimelineEntry.seq))).all()
        events = (await s.execute(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.application_id == app_id, OutboxEvent.type == "application.status_changed"))).scalar_one()
        records = (await s.execute(select(func.count()).select_from(StatusReportRecord).where(
            StatusReportRecord.application_id == app_id))).scalar_one()
    return {"status": app.status, "last_seq": app.last_seq, "steps": [tuple(x) for x in steps],
            "events": events, "records": records}


def _meanwhile(monkeypatch: pytest.MonkeyPatch, before_write: Any) -> list[bool | None]:
    """Run ``before_write()`` once, between the first try's read and its statement."""
    tried: list[bool | None] = []
    raced: list[bool] = []
    original = applications.update_application_if

    async def racing(*args: Any, **kwargs: Any) -> bool | None:
        if not raced:
            raced.append(True)
            await before_write()
        tried.append(await original(*args, **kwargs))
        return tried[-1]

    monkeypatch.setattr(applications, "update_application_if", racing)
    return tried


async def test_a_retry_racing_its_report_answers_the_same_and_writes_once(
        pg_url: str, lsp_http: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _forwarded(pg_url, lsp_http) as (h, app_id):
        accepted = report("accepted")
        answers: list[httpx.Response] = []

        async def retry() -> None:  # the LSP's retry, applied (by its own first try) first
            answers.append(await h.report(app_id, accepted))

        tried = _meanwhile(monkeypatch, retry)
        first = await h.report(app_id, accepted)
        # The retry's try wrote; the first one's found the step moved, wrote nothing, and the
        # locked path read the retry's answer.
        assert tried == [True, False], tried
        assert first.status_code == answers[0].status_code == 200
        assert first.json() == answers[0].json()
        written = await _written(h, app_id)
        assert [s for _, s in written["steps"]].count("accepted") == 1
        assert written["records"] == 1 and written["events"] == len(written["steps"])


async def test_a_report_overtaken_by_a_withdrawal_is_refused_and_writes_nothing(
        pg_url: str, lsp_http: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    async with _forwarded(pg_url, lsp_http) as (h, app_id):

        async def withdrawn() -> None:  # as if the applicant's withdrawal committed meanwhile
            async with h.runtime.sessions() as s, s.begin():
                await s.execute(update(Application).where(Application.id == app_id)
                                .values(status="withdrawn", last_seq=Application.last_seq + 1))

        tried = _meanwhile(monkeypatch, withdrawn)
        before = await _written(h, app_id)
        r = await h.report(app_id, report("accepted"))
        assert tried == [False]
        assert r.status_code == 409, r.text  # the state machine, as the locked path read it
        after = await _written(h, app_id)
        assert after == {**before, "status": "withdrawn", "last_seq": before["last_seq"] + 1}


async def test_concurrent_reports_of_one_application_each_apply_once_in_some_order(
        pg_url: str, lsp_http: respx.MockRouter) -> None:
    async with _forwarded(pg_url, lsp_http) as (h, app_id):
        accepted = report("accepted")
        results = await asyncio.gather(*(h.report(app_id, accepted) for _ in range(4)))
        assert {r.status_code for r in results} == {200}
        assert len({r.text for r in results}) == 1
        written = await _written(h, app_id)
        assert [s for _, s in written["steps"]] == ["submitted", "forwarded", "accepted"]
        assert written["records"] == 1 and written["events"] == 3
