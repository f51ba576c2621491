"""A step's new rows (its timeline entry and its status report to SIKI) go in with one statement
on PostgreSQL, after the application's versioned update (``steps.apply_step``,
``shared.staged_rows.flush_with_staged``); SQLite inserts them one by one. Either way the step
stores the same rows and its report reaches SIKI, sent by the process once the step committed:
no event goes through the outbox and the bus for it (``usecases/report_sender.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx
from sqlalchemy import event, select

from services.lsp.db.models import OutboxEvent, StatusReportRow, TimelineEntry
from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases.context import LspContext
from shared.database import engine_of
from shared.tests.plans import statements_of

_TABLES = ("INTO timeline", "INTO status_reports")
_WRITES = (*_TABLES, "INTO outbox")


async def _one_step(database_url: str) -> tuple[list[str], dict[str, Any]]:
    """The statements of one staff step (the payment verified) that insert its rows, and what
    the step left: its timeline entry, its report (sent) and the application's events."""
    async with running(settings_for(database_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "payment_uploaded")
        await lsp.wait_reports_sent(aid)
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if statement.lstrip().startswith(("INSERT", "WITH")) and any(t in statement for t in _WRITES):
                statements.append(" ".join(statement.split()))

        engine = ctx.sessions.kw["bind"].sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            r = await lsp.post(aid, "payment-verification", {"decision": "valid"}, "admin")
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert r.status_code == 200, r.text
        view = await lsp.wait_reports_sent(aid)
        async with ctx.sessions() as s:
            timeline = (await s.execute(select(TimelineEntry.status, TimelineEntry.actor)
                                        .where(TimelineEntry.application_id == aid)
                                        .order_by(TimelineEntry.id))).all()
            reports = (await s.execute(select(StatusReportRow.status, StatusReportRow.sent_at.is_not(None))
                                       .where(StatusReportRow.application_id == aid)
                                       .order_by(StatusReportRow.seq))).all()
            events = (await s.execute(select(OutboxEvent.type, OutboxEvent.published_at.is_not(None))
                                      .where(OutboxEvent.application_id == aid))).all()
    left = {"timeline": [tuple(t) for t in timeline][-1], "reports": [tuple(r) for r in reports][-1],
            "events": sorted({tuple(e) for e in events}), "status": view["status"]}
    return statements, left


@pytest.mark.postgres
async def test_a_step_inserts_its_rows_with_one_statement_on_postgres_as_sqlite_does_one_by_one(
        pg_url: str, sqlite_url: str, siki: respx.Route) -> None:
    on_postgres, left_pg = await _one_step(pg_url)
    on_sqlite, left_sqlite = await _one_step(sqlite_url)
    assert len(on_postgres) == 1, on_postgres
    assert all(table in on_postgres[0] for table in _TABLES)
    assert not any("INTO outbox" in s for s in on_postgres + on_sqlite), on_postgres + on_sqlite
    assert len(on_sqlite) == 2 and all(sum(t in s for t in _TABLES) == 1 for s in on_sqlite), on_sqlite
    assert left_pg == left_sqlite
    assert left_pg["status"] == "payment_verified"
    assert left_pg["timeline"] == ("payment_verified", "LSP-A/admin")
    assert left_pg["reports"] == ("payment_verified", True)
    assert all(published for _, published in left_pg["events"])
    assert not any(kind.endswith("report_pending") for kind, _ in left_pg["events"]), left_pg["events"]


@pytest.mark.postgres
async def test_the_verification_s_report_is_written_with_its_forms(pg_url: str, siki: respx.Route) -> None:
    """The signed FR.APL.01 and the FR.APL.02 go into the report as it is staged: the step neither
    reads its report back nor rewrites it (``forms.report_forms``), and the report carries them."""
    async with running(settings_for(pg_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "forwarded")
        async with statements_of(engine_of(ctx.sessions), each_once=False) as raw:
            r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
        assert r.status_code == 200, r.text
        sent = [" ".join(x.split()) for x in raw]
        await lsp.wait_reports_sent(aid)
        async with ctx.sessions() as s:
            accepted = (await s.execute(select(StatusReportRow).where(
                StatusReportRow.application_id == aid, StatusReportRow.status == "accepted"))).scalar_one()
    step = sent[:next(i for i, x in enumerate(sent) if "pg_try_advisory_lock" in x)]  # before the report's flush
    assert not any(x.startswith(("UPDATE status_reports", "SELECT status_reports")) for x in step), step
    payloads = [body for call in siki.calls if (body := json.loads(call.request.content)).get("status") == "accepted"]
    assert [sorted(f["form"] for f in p["forms"]) for p in payloads] == [["apl01", "apl02"]]
    assert {f["form"]: f["signed"] for f in payloads[0]["forms"]} == {"apl01": True, "apl02": False}
    assert accepted.sent_at is not None
