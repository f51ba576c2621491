"""Status reports SIKI refused for good (queries only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.models import RefusedReport

OPEN = "open"


async def upsert(s: AsyncSession, *, report_id: str, application_id: str, lsp_code: str, status: str, reason: str,
                 http_status: int, body: dict[str, Any], now: datetime) -> None:
    """Keep the refused report; the same report refused again counts once more (and keeps the
    latest reason), and an operator's resolution stays as it is."""
    known = await s.get(RefusedReport, report_id, with_for_update=True)
    if known is None:
        s.add(RefusedReport(report_id=report_id, application_id=application_id, lsp_code=lsp_code, status=status,
                            reason=reason, http_status=http_status, body=body, refused_at=now, times_refused=1,
                            state=OPEN))
        return
    known.reason, known.http_status, known.refused_at = reason, http_status, now
    known.times_refused += 1


async def page(s: AsyncSession, *, application_id: str | None, lsp_code: str | None, state: str | None,
               limit: int, offset: int) -> tuple[Sequence[RefusedReport], int]:
    """Newest refusal first, and how many match in all."""
    conditions = [c for c in (
        RefusedReport.application_id == application_id if application_id is not None else None,
        RefusedReport.lsp_code == lsp_code if lsp_code is not None else None,
        RefusedReport.state == state if state is not None else None,
    ) if c is not None]
    rows = (await s.execute(select(RefusedReport).where(*conditions)
                            .order_by(RefusedReport.refused_at.desc(), RefusedReport.report_id)
                            .limit(limit).offset(offset))).scalars().all()
    total = int(await s.scalar(select(func.count()).select_from(RefusedReport).where(*conditions)) or 0)
    return rows, total


async def locked(s: AsyncSession, report_id: str) -> RefusedReport | None:
    return await s.get(RefusedReport, report_id, with_for_update=True)


async def resolve(s: AsyncSession, report_id: str, *, state: str, by: str, at: datetime, note: str) -> None:
    await s.execute(update(RefusedReport).where(RefusedReport.report_id == report_id)
                    .values(state=state, resolved_by=by, resolved_at=at, note=note))
