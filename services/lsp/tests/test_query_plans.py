"""The LSP's steps, staff lists and periodic sweeps read its growing tables through indexes, so
that their cost does not grow with the LSP's history (shared/tests/plans.py: a generic plan, as
asyncpg's prepared statements come to use, could turn a lookup into a full scan)."""

from __future__ import annotations

import pytest
import respx

from services.lsp.issuance.settings import issuance_settings
from services.lsp.issuance.steps import IssuanceSteps
from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases import payments, reports
from services.lsp.usecases.steps import Workflow
from shared.database import engine_of
from shared.tests.plans import described, full_scans, statements_of

GROWING = ["applications", "status_reports", "issuance", "invoices", "assessments", "timeline", "outbox",
           "processed_webhooks", "idempotency_keys", "audit_log", "documents", "appeals"]


@pytest.mark.postgres
async def test_steps_lists_and_sweeps_never_read_a_growing_table_whole(pg_url: str, siki: respx.Route) -> None:
    settings = settings_for(pg_url)
    async with running(settings) as lsp:
        ctx = lsp.app.state.lsp
        engine = engine_of(ctx.sessions)
        issuance = IssuanceSteps(lsp_code=settings.lsp_code, sessions=ctx.sessions, workflow=Workflow(ctx),
                                 cfg=issuance_settings(settings), bnsp=None, lpjk=None)  # type: ignore[arg-type]
        async with statements_of(engine) as sent:
            competent = await drive(lsp, "competent")
            await drive(lsp, "returned")
            await drive(lsp, "payment_rejected")
            headers = await lsp.as_("admin")
            for query in ("", "?status=invoiced", "?flag=appeal_overdue", "?q=Budi"):
                r = await lsp.client.get(f"/api/v1/applications{query}", headers=headers)
                assert r.status_code == 200, (query, r.text)
            for query in ("", f"?application_id={competent}"):
                r = await lsp.client.get(f"/api/v1/refused-reports{query}", headers=headers)
                assert r.status_code == 200, (query, r.text)
            await lsp.get(competent)
            await payments.sweep_deadlines(ctx, None)
            await reports.resend_unsent(ctx)
            await issuance.resume_unfinished()
        assert len(sent) > 20
        found = await full_scans(engine, sent, GROWING)
        assert not found, described(found)
