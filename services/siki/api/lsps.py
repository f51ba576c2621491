"""The LSP registry (operators; the portal lists it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.siki.api.auth import LspListReader, RegistryOperator
from services.siki.api.deps import SettingsDep, SikiDep
from services.siki.settings import MAX_WEBHOOK_SECRET_GRACE_SECONDS
from services.siki.usecases import registry
from shared.contracts.siki import LspOut, LspRegistration, LspWithCredentials
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(tags=["lsps"])


@router.post("/lsps", operation_id="register_lsp", status_code=201, response_model=LspWithCredentials,
             responses=PROBLEM_RESPONSES)
async def register_lsp(body: LspRegistration, siki: SikiDep, caller: RegistryOperator) -> LspWithCredentials:
    """Register an LSP; the webhook secret and api key are answered this once."""
    return await registry.register_lsp(siki, body, actor=caller.actor)


@router.get("/lsps", operation_id="list_lsps", response_model=list[LspOut],
            responses={**PROBLEM_RESPONSES, **TOTAL_COUNT_RESPONSE})
async def list_lsps(siki: SikiDep, _: LspListReader, response: Response, limit: Limit = DEFAULT_LIMIT,
                    offset: Offset = 0) -> list[LspOut]:
    """By code, one page at a time; ``X-Total-Count`` says how many LSPs are registered."""
    items, total = await registry.list_lsps(siki, limit=limit, offset=offset)
    set_total(response, total)
    return items


@router.post("/lsps/{code}/rotate-secret", operation_id="rotate_lsp_secret", response_model=LspWithCredentials,
             responses=PROBLEM_RESPONSES)
async def rotate_lsp_secret(
    code: str, siki: SikiDep, settings: SettingsDep, caller: RegistryOperator,
    grace_seconds: Annotated[int | None, Query(ge=0, le=MAX_WEBHOOK_SECRET_GRACE_SECONDS)] = None,
) -> LspWithCredentials:
    """A new webhook secret and api key. The old api key stops working at once; SIKI signs with
    the old webhook secret too for ``grace_seconds`` (default ``SKK_WEBHOOK_SECRET_GRACE_SECONDS``;
    0 for a leaked secret)."""
    grace = settings.webhook_secret_grace_seconds if grace_seconds is None else grace_seconds
    return await registry.rotate_lsp_secret(siki, code, grace_seconds=grace, actor=caller.actor)
