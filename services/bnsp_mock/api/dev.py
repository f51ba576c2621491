"""Dev mode only: ``backdate_issuance`` lets a test or a simulation hold an SKK issued years ago
(say, one nearing its end, whose renewal window is open) through the real journey: BNSP issues
that application, when its plan comes, as of the instant given. Not mounted in production mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from services.bnsp_mock.api.deps import IssuancesDep
from shared.contracts.types import Timestamp
from shared.errors import PROBLEM_RESPONSES
from shared.operators import ADMIN, OperatorPrincipal
from shared.operators_api import operator_with

router = APIRouter(prefix="/api/v1/dev", tags=["dev"])

DevOperator = Annotated[OperatorPrincipal, Depends(operator_with(ADMIN))]


class BackdatedIssuance(BaseModel):
    lsp_code: str = Field(min_length=1, max_length=40)
    application_id: str = Field(min_length=1, max_length=64)
    issued_at: Timestamp


@router.post(
    "/backdated-issuances",
    operation_id="backdate_issuance",
    response_model=BackdatedIssuance,
    responses=PROBLEM_RESPONSES,
    summary="Dev mode: issue an application not yet issued as of a past instant (BNSP operators, role admin)",
)
async def backdate_issuance(body: BackdatedIssuance, operator: DevOperator,
                            issuances: IssuancesDep) -> BackdatedIssuance:
    """200 once set; 422 naming ``issued_at`` for an instant not in the past; 409 naming
    ``application_id`` if BNSP issued it already."""
    del operator  # admitted: an admin of this dev BNSP
    await issuances.backdate(body.lsp_code, body.application_id, body.issued_at)
    return body
