"""The operators' view of status reports SIKI refused for good (``list_refused_reports``) and
their resolution (``resolve_refused_report``): ``accepted`` applies the report now, as if SIKI
had taken it (only if the state machine allows it from the application's current status),
``dismissed`` drops it. Each resolution is audited in its transaction.

A report lands here when ``report_status`` refuses it with a 4xx on the reporting LSP's own
application (``usecases/reports.py``); the LSP marks it ``refused`` and sends its later reports."""

from __future__ import annotations

from typing import Any

from services.siki.db import refused_reports as rows
from services.siki.db.common import aware, aware_or_none
from services.siki.db.models import RefusedReport
from services.siki.usecases.context import Actor, SikiContext, utcnow
from services.siki.usecases.reports import apply_report, certificate_pdf
from shared.contracts.siki import RefusedReportOut, RefusedReportResolution, RefusedReportState, StatusReport
from shared.database import read_session
from shared.exceptions import Conflict, NotFound
from shared.logging import get_logger

log = get_logger(__name__)
# The report's documents (base64 PDFs), kept for ``accepted`` but left out of the list.
_LEFT_OUT = frozenset({"certificate_pdf_base64", "forms"})


async def list_refused(ctx: SikiContext, *, application_id: str | None, lsp_code: str | None,
                       state: RefusedReportState | None, limit: int,
                       offset: int) -> tuple[list[RefusedReportOut], int]:
    """One page, newest refusal first, and how many match in all."""
    async with read_session(ctx.sessions) as s:
        found, total = await rows.page(s, application_id=application_id, lsp_code=lsp_code, state=state,
                                       limit=limit, offset=offset)
        return [_out(r) for r in found], total


async def resolve(ctx: SikiContext, report_id: str, resolution: RefusedReportResolution, *,
                  actor: Actor) -> RefusedReportOut:
    """Resolve an open refused report; the same resolution again answers it again, another one
    conflicts. ``accepted`` refused by the state machine changes nothing (409)."""
    async with read_session(ctx.sessions) as s:
        first = await s.get(RefusedReport, report_id)
        if first is None:
            raise NotFound(f"refused report {report_id} not found", errors=[{"field": "report_id",
                                                                            "message": "no such refused report"}])
        application_id = first.application_id
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        row = await rows.locked(s, report_id)
        assert row is not None
        if row.state != rows.OPEN:
            if row.state == resolution.resolution:
                return _out(row)
            raise Conflict(f"the refused report was already resolved: {row.state}", field="resolution",
                           current_state=row.state)
        detail: dict[str, Any] = {"resolution": resolution.resolution, "lsp_code": row.lsp_code,
                                  "status": row.status, "report_id": row.report_id}
        if resolution.resolution == "accepted":
            report = StatusReport.model_validate(row.body)
            answer = await apply_report(ctx, s, row.lsp_code, row.application_id, report, certificate_pdf(report))
            detail["seq"] = answer.seq
        now = utcnow()
        await rows.resolve(s, report_id, state=resolution.resolution, by=actor.name, at=now, note=resolution.note)
        await ctx.auditor.record(s, actor=actor.name, action="status_report.refusal_resolved",
                                 target_type="status_report", target_id=report_id,
                                 application_id=row.application_id, client=actor.client, detail=detail)
        await s.refresh(row)
        out = _out(row)
    log.info("refused status report resolved", report_id=report_id, application_id=application_id,
             resolution=resolution.resolution)
    return out


def _out(row: RefusedReport) -> RefusedReportOut:
    return RefusedReportOut(
        report_id=row.report_id, application_id=row.application_id, lsp_code=row.lsp_code, status=row.status,
        reason=row.reason, http_status=row.http_status, refused_at=aware(row.refused_at),
        times_refused=row.times_refused, state=row.state, resolved_by=row.resolved_by,
        resolved_at=aware_or_none(row.resolved_at), note=row.note,
        # The PDFs stay stored for ``accepted``; a list need not carry them.
        report={k: v for k, v in row.body.items() if k not in _LEFT_OUT},
    )
