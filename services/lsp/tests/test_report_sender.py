"""Status reports leave once their step commits, from the committing process
(``usecases/report_sender.py``): one task per application, another pass for what a commit staged
meanwhile, retries with backoff and then the periodic resend, which also runs at start."""

from __future__ import annotations

import asyncio
import json

import httpx
import respx
from sqlalchemy import select

from services.lsp.db.models import OutboxEvent, StatusReportRow
from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases import report_sender
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.report_sender import ReportSender
from shared.bus.base import RetryPolicy
from shared.database import create_engine, make_session_factory
from shared.tests.waiting import wait_until

FAST = RetryPolicy(max_attempts=3, base_seconds=0.01, max_seconds=0.02)


class Flushes:
    """A flush that records its calls, waits while ``gate`` is closed, fails ``failing`` times."""

    def __init__(self, failing: int = 0) -> None:
        self.calls: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.failing = failing

    async def __call__(self, application_id: str) -> int:
        self.calls.append(application_id)
        await self.gate.wait()
        if self.failing:
            self.failing -= 1
            raise RuntimeError("SIKI not reachable")
        return 1


async def settled(sender: ReportSender) -> None:
    for _ in range(200):
        if not sender.sending:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the sender did not settle")


async def sending_a1() -> tuple[Flushes, ReportSender]:
    """A sender whose pass for ``a1`` has started and waits on SIKI until ``gate`` opens."""
    flush = Flushes()
    flush.gate.clear()
    sender = ReportSender(flush, FAST)
    sender.ring("a1")
    await asyncio.sleep(0.01)
    assert flush.calls == ["a1"]
    return flush, sender


async def test_commits_while_sending_make_one_more_pass() -> None:
    flush, sender = await sending_a1()
    sender.ring("a1")  # two commits while the first pass waits on SIKI
    sender.ring("a1")
    sender.ring("a2")
    flush.gate.set()
    await settled(sender)
    assert sorted(flush.calls) == ["a1", "a1", "a2"]
    sender.ring("a1")  # idle again: a new pass
    await settled(sender)
    assert flush.calls.count("a1") == 3


async def test_a_failure_is_retried_then_left_to_the_resend() -> None:
    flush = Flushes(failing=1)
    sender = ReportSender(flush, FAST)
    sender.ring("a1")
    await settled(sender)
    assert flush.calls == ["a1", "a1"]  # failed, then sent

    flush = Flushes(failing=10)
    sender = ReportSender(flush, FAST)
    sender.ring("a1")
    await settled(sender)
    assert flush.calls == ["a1"] * FAST.max_attempts  # then nothing more from this task


async def test_close_cancels_and_ignores_later_commits() -> None:
    flush, sender = await sending_a1()
    await sender.close()
    assert not sender.sending
    sender.ring("a2")
    await asyncio.sleep(0.02)
    assert flush.calls == ["a1"]


async def test_only_a_commit_rings(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    sessions = make_session_factory(engine)
    flush = Flushes()
    sender = ReportSender(flush, FAST)
    sender.listen(sessions)
    try:
        async with sessions() as session:
            async with session.begin():
                report_sender.stage(session, "rolled-back")
                await session.rollback()
            async with session.begin():
                report_sender.stage(session, "committed")
                report_sender.stage(session, "committed")
            async with session.begin():
                pass  # a later commit of the same session rings nothing again
        await settled(sender)
        assert flush.calls == ["committed"]
    finally:
        await engine.dispose()


async def test_a_step_sends_its_report_without_the_bus(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "forwarded")
        r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
        assert r.status_code == 200, r.text
        view = await lsp.wait_reports_sent(aid)
        assert [x["status"] for x in view["reports"]] == ["accepted", "invoiced"]
        async with ctx.sessions() as s:
            attempts = (await s.execute(select(StatusReportRow.attempts)
                                        .where(StatusReportRow.application_id == aid))).scalars().all()
            events = (await s.execute(select(OutboxEvent.type))).scalars().all()
    assert attempts == [1, 1]  # both in the one pass the step's commit started
    assert not any(t.endswith("report_pending") for t in events), events


async def test_the_periodic_resend_sends_what_the_retries_gave_up_on(sqlite_url: str, siki: respx.Route) -> None:
    siki.return_value = httpx.Response(503)
    async with running(settings_for(sqlite_url, bus_max_attempts=1, report_resend_interval_seconds=0.1)) as lsp:
        aid = await drive(lsp, "forwarded")
        r = await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["x"]}, "admin")
        assert r.status_code == 200
        await wait_until(lambda: len(siki.calls), lambda n: n >= 2, what="a failed resend")
        assert (await lsp.get(aid))["reports"][0]["sent_at"] is None
        siki.return_value = httpx.Response(200)
        view = await lsp.wait_reports_sent(aid, limit_seconds=10)  # no restart, no new step
    assert [x["status"] for x in view["reports"]] == ["returned"]
    assert json.loads(siki.calls[-1].request.content)["status"] == "returned"
