"""The portal operator's tasks: rebinding a NIK to another account after an identity check
(audited, SIKI told first). Operators are people with accounts (``create_operator_session``,
shared/operators_api.py); their roles here: ``bindings`` (NIK rebinds) and ``audit`` (the audit
log), ``admin`` holding both."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.portal.api.deps import NikBindingsDep
from services.portal.api.schemas import NikRebindRequest, NikRebound
from shared.errors import PROBLEM_RESPONSES
from shared.operators import OperatorPrincipal
from shared.operators_api import operator_with

BINDINGS, AUDIT = "bindings", "audit"
OPERATOR_ROLES = (BINDINGS, AUDIT)

router = APIRouter(tags=["operator"])

BindingsOperator = Annotated[OperatorPrincipal, Depends(operator_with(BINDINGS))]


@router.post("/operator/nik-bindings", operation_id="rebind_nik_binding", response_model=NikRebound,
             responses={**PROBLEM_RESPONSES, 503: {"description": "SIKI unreachable"}})
async def rebind_nik_binding(body: NikRebindRequest, operator: BindingsOperator,
                             bindings: NikBindingsDep) -> NikRebound:
    """The NIK belongs to ``account_email``'s account from now on; recorded under the operator
    calling (``operator_name`` in the answer is the operator's email)."""
    return await bindings.rebind(body.nik, str(body.account_email), operator=operator,
                                 identity_check_reference=body.identity_check_reference)
