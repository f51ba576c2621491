"""The portal operator's tasks (``Authorization: Bearer <SKK_OPERATOR_TOKEN>``): rebinding a NIK
to another account after an identity check (audited, SIKI told first)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.portal.api.deps import NikBindingsDep, PortalDep
from services.portal.api.schemas import NikRebindRequest, NikRebound
from shared.errors import PROBLEM_RESPONSES
from shared.exceptions import Unauthenticated

router = APIRouter(tags=["operator"])


async def operator(request: Request, portal: PortalDep) -> str:
    """A portal operator: the bearer token is ``SKK_OPERATOR_TOKEN`` (compared in constant time)."""
    expected = portal.settings.operator_token.get_secret_value()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Unauthenticated("not a portal operator", headers={"WWW-Authenticate": "Bearer"},
                              errors=[{"field": "authorization", "message": "send the operator token"}])
    return "operator"


Operator = Annotated[str, Depends(operator)]


@router.post("/operator/nik-bindings", operation_id="rebind_nik_binding", response_model=NikRebound,
             responses={**PROBLEM_RESPONSES, 503: {"description": "SIKI unreachable"}})
async def rebind_nik_binding(body: NikRebindRequest, _: Operator, bindings: NikBindingsDep) -> NikRebound:
    return await bindings.rebind(body.nik, str(body.account_email), operator_name=body.operator_name,
                                 identity_check_reference=body.identity_check_reference)
