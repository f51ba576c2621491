"""The register of SKK per NIK."""

from __future__ import annotations

from fastapi import APIRouter

from services.siki.api.auth import RegisterOperatorOrPortal
from services.siki.api.deps import SikiDep
from services.siki.usecases import queries
from shared.contracts.siki import SkkByNik, SkkQuery
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["skk"])


@router.post("/skk/query", operation_id="list_skk_by_nik", response_model=SkkByNik, responses=PROBLEM_RESPONSES)
async def list_skk_by_nik(body: SkkQuery, siki: SikiDep, caller: RegisterOperatorOrPortal) -> SkkByNik:
    """The SKK held by a NIK and its applications in progress (the NIK goes in the body,
    never in a URL, so that it stays out of access logs). Every lookup is audited."""
    return await queries.skk_by_nik(siki, body.nik, actor=caller.actor)
