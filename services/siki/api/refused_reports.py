"""Status reports SIKI refused for good, and their resolution (operators, role ``deliveries``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.siki.api.auth import DeliveriesOperator
from services.siki.api.deps import SikiDep
from services.siki.usecases import refused_reports
from shared.contracts.siki import RefusedReportOut, RefusedReportResolution, RefusedReportState
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(tags=["status reports"])


@router.get("/refused-reports", operation_id="list_refused_reports", response_model=list[RefusedReportOut],
            responses={**PROBLEM_RESPONSES, **TOTAL_COUNT_RESPONSE})
async def list_refused_reports(siki: SikiDep, _: DeliveriesOperator, response: Response,
                               application_id: Annotated[str | None, Query(max_length=64)] = None,
                               lsp_code: Annotated[str | None, Query(max_length=40)] = None,
                               state: RefusedReportState | None = None, limit: Limit = DEFAULT_LIMIT,
                               offset: Offset = 0) -> list[RefusedReportOut]:
    """Newest refusal first, with SIKI's reason; ``X-Total-Count`` says how many match."""
    items, total = await refused_reports.list_refused(siki, application_id=application_id, lsp_code=lsp_code,
                                                      state=state, limit=limit, offset=offset)
    set_total(response, total)
    return items


@router.post("/refused-reports/{report_id}/resolution", operation_id="resolve_refused_report",
             response_model=RefusedReportOut, responses=PROBLEM_RESPONSES)
async def resolve_refused_report(report_id: str, body: RefusedReportResolution, siki: SikiDep,
                                 caller: DeliveriesOperator) -> RefusedReportOut:
    """``accepted`` applies the report now (409 if the state machine does not allow it from the
    application's current status; nothing changes), ``dismissed`` drops it. Audited."""
    return await refused_reports.resolve(siki, report_id, body, actor=caller.actor)
