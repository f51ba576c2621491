"""NIK bindings: a NIK belongs to one portal account; operators rebind it after an identity check."""

from __future__ import annotations

from fastapi import APIRouter

from services.siki.api.auth import RegisterOperatorOrPortal
from services.siki.api.deps import SikiDep
from services.siki.usecases import ownership
from shared.contracts.siki import NikBindingOut, NikRebinding
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["nik-bindings"])


@router.post("/nik-bindings", operation_id="rebind_nik", response_model=NikBindingOut, responses=PROBLEM_RESPONSES)
async def rebind_nik(body: NikRebinding, siki: SikiDep, caller: RegisterOperatorOrPortal) -> NikBindingOut:
    """After an identity check, the NIK belongs to ``account_id`` from now on (the portal's
    operator path, or a SIKI operator); audited, the NIK masked in the answer and the audit."""
    return await ownership.rebind_nik(siki, caller.actor, body)
