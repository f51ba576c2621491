"""The staff view's child rows (invoice, assessments, timeline, status reports) read in one
statement as JSON (services/lsp/db/views.py) are the rows the tables hold, with the same types
and order as reading each table by itself, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import respx
from sqlalchemy import event, select

from services.lsp.db.models import Assessment, Invoice, StatusReportRow, TimelineEntry
from services.lsp.db.views import application_with_parts
from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases.context import LspContext
from shared.bus.envelope import utcnow


async def _table_by_table(ctx: LspContext, application_id: str) -> dict[str, Any]:
    """The reference: each table read by itself, columns as SQLAlchemy types them."""
    async with ctx.sessions() as s:
        invoice = (await s.execute(
            select(Invoice.number, Invoice.amount, Invoice.currency, Invoice.issued_at, Invoice.due_date)
            .where(Invoice.application_id == application_id))).one_or_none()
        assessments = (await s.execute(
            select(Assessment.round, Assessment.assessor_username, Assessment.tuk_code, Assessment.scheduled_at,
                   Assessment.recommendation, Assessment.notes, Assessment.reported_at, Assessment.result,
                   Assessment.decided_by, Assessment.decided_at)
            .where(Assessment.application_id == application_id).order_by(Assessment.round))).all()
        timeline = (await s.execute(
            select(TimelineEntry.status, TimelineEntry.at, TimelineEntry.actor, TimelineEntry.note,
                   TimelineEntry.reasons)
            .where(TimelineEntry.application_id == application_id).order_by(TimelineEntry.id))).all()
        reports = (await s.execute(
            select(StatusReportRow.report_id, StatusReportRow.status, StatusReportRow.created_at,
                   StatusReportRow.sent_at, StatusReportRow.attempts, StatusReportRow.last_error,
                   StatusReportRow.refused_at)
            .where(StatusReportRow.application_id == application_id).order_by(StatusReportRow.seq))).all()
    return {"invoice": None if invoice is None else dict(invoice._mapping),
            "assessments": [dict(r._mapping) for r in assessments],
            "timeline": [dict(r._mapping) for r in timeline],
            "reports": [dict(r._mapping) for r in reports]}


async def _check(database_url: str) -> None:
    async with running(settings_for(database_url)) as lsp:
        ctx: LspContext = lsp.app.state.lsp
        aid = await drive(lsp, "appeal_upheld")  # an invoice, an assessment decided, a long timeline
        other = await drive(lsp, "invoiced")  # rows of another application stay out
        async with ctx.sessions() as s, s.begin():  # reasons; a report SIKI refused, one not yet sent
            now = utcnow()
            s.add(TimelineEntry(application_id=aid, status="returned", at=now, actor="admin", note="lihat",
                                reasons=["KTP buram", "NPWP \"lama\""]))
            s.add(StatusReportRow(report_id="r-refused", application_id=aid, status="verified", payload={},
                                  created_at=now, attempts=2, last_error="409 conflict",
                                  refused_at=now + timedelta(seconds=1)))
            s.add(StatusReportRow(report_id="r-unsent", application_id=aid, status="verified", payload={},
                                  created_at=now, attempts=0))
        expected = await _table_by_table(ctx, aid)
        statements: list[str] = []
        async with ctx.sessions() as s:
            # This session's connection only: the reports of the driven applications may still be
            # sending in the background, on connections of their own.
            connection = (await s.connection()).sync_connection
            assert connection is not None
            event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
            found = await application_with_parts(s, aid)
        assert len(statements) == 1  # the application's row and its parts
        assert found is not None and found[0].id == aid and found[0].status == "appeal_upheld"
        parts = found[1]
        assert parts.invoice == expected["invoice"] and parts.invoice is not None
        assert str(parts.invoice["amount"]) == str(expected["invoice"]["amount"])  # the same scale
        assert parts.assessments == expected["assessments"] and parts.assessments
        assert parts.timeline == expected["timeline"] and len(parts.timeline) > 5
        assert any(entry["reasons"] for entry in parts.timeline)  # JSON stays JSON, not text
        assert parts.reports == expected["reports"]
        assert [r["report_id"] for r in parts.reports][-2:] == ["r-refused", "r-unsent"]
        async with ctx.sessions() as s:
            assert await application_with_parts(s, "no-such-application") is None
            found = await application_with_parts(s, other)
            assert found is not None and found[1].assessments == [] and found[1].invoice is not None


async def test_one_statement_reads_what_each_table_holds_on_sqlite(sqlite_url: str, siki: respx.Route) -> None:
    await _check(sqlite_url)


@pytest.mark.postgres
async def test_one_statement_reads_what_each_table_holds_on_postgres(pg_url: str, siki: respx.Route) -> None:
    await _check(pg_url)
