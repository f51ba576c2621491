"""The status reports SIKI refused for good (``list_refused_reports``, for the manager and the
admin): the report, when SIKI refused it and SIKI's answer. SIKI's operators resolve them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from services.lsp.api.deps import Ctx, require_role
from services.lsp.usecases import reports
from services.lsp.usecases.staff import StaffPrincipal
from shared.contracts.states import ApplicationStatus
from shared.contracts.types import Count, Timestamp
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
ManagerOrAdmin = Annotated[StaffPrincipal, Depends(require_role("manajer", "admin"))]


class RefusedReportView(BaseModel):
    report_id: str
    application_id: str
    status: ApplicationStatus
    created_at: Timestamp
    refused_at: Timestamp
    attempts: Count
    # SIKI's answer (its status code and problem), as the LSP received it.
    reason: str


@router.get("/refused-reports", operation_id="list_refused_reports", tags=["applications"],
            response_model=list[RefusedReportView], responses=TOTAL_COUNT_RESPONSE)
async def list_refused_reports(ctx: Ctx, _: ManagerOrAdmin, response: Response,
                               application_id: Annotated[str | None, Query(max_length=64)] = None,
                               limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> list[RefusedReportView]:
    """Newest refusal first; ``X-Total-Count`` says how many match. These reports are not sent
    again; the application's later reports went on."""
    items, total = await reports.list_refused(ctx, application_id=application_id, limit=limit, offset=offset)
    set_total(response, total)
    return [RefusedReportView.model_validate(i) for i in items]
