"""Who is calling: the portal (service token), an LSP (its api key) or an operator (a person
logged in with ``create_operator_session``, shared/operators_api.py), and what each may do.

Operators' roles: ``registry`` (the LSP registry, webhook secrets), ``deliveries`` (the webhook
delivery log, redelivery, dead letters), ``register`` (NIK lookups, NIK rebinds, certificates;
every lookup audited), ``audit`` (the audit log); ``admin`` holds them all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from services.siki.api.deps import SikiDep
from services.siki.usecases.context import Actor
from services.siki.usecases.registry import lsp_code_by_api_key
from shared.auth import ServiceIdentity, bearer_token
from shared.exceptions import Forbidden, Unauthenticated
from shared.operators import OperatorPrincipal, is_operator_token
from shared.operators_api import operators_of
from shared.throttle import client_of

AUDIENCE = "siki"
REGISTRY, DELIVERIES, REGISTER, AUDIT = "registry", "deliveries", "register", "audit"
OPERATOR_ROLES = (REGISTRY, DELIVERIES, REGISTER, AUDIT)

CallerKind = Literal["operator", "service", "lsp"]


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    name: str  # the operator's email, the calling service ("portal"), or the LSP's code
    operator: OperatorPrincipal | None = None
    client: str | None = None

    @property
    def is_portal(self) -> bool:
        return self.kind == "service" and self.name == "portal"

    @property
    def actor(self) -> Actor:
        """How the audit log names the caller, and from where it called."""
        if self.operator is not None:
            return Actor(self.operator.actor, self.client)
        return Actor(f"{self.kind}:{self.name}", self.client)


async def identify(request: Request, siki: SikiDep) -> Caller:
    token = bearer_token(request)
    client = client_of(request)
    if token.count(".") == 2:  # a JWT: an operator's, or a service token signed with its party's own key
        if is_operator_token(token, AUDIENCE):
            operator = await operators_of(request).authenticate(token, client=client)
            return Caller("operator", operator.email, operator, client)
        identity: ServiceIdentity = request.app.state.runtime.identity
        return Caller("service", identity.verify(token, AUDIENCE), client=client)
    lsp_code = await lsp_code_by_api_key(siki, token)
    if lsp_code is not None:
        return Caller("lsp", lsp_code, client=client)
    raise Unauthenticated("unknown credentials", headers={"WWW-Authenticate": "Bearer"},
                          errors=[{"field": "authorization", "message": "send a valid bearer token"}])


def require(caller: Caller, *, operator: tuple[str, ...] = (), portal: bool = False, lsp: bool = False) -> None:
    """Admit operators holding one of the roles ``operator`` (403 naming them otherwise), the
    portal if ``portal``, and any LSP if ``lsp``."""
    if operator and caller.operator is not None:
        caller.operator.require(*operator)
        return
    if (portal and caller.is_portal) or (lsp and caller.kind == "lsp"):
        return
    raise Forbidden(f"{caller.kind} {caller.name!r} may not call this operation",
                    errors=[{"field": "authorization", "message": "not allowed for this caller"}])


def require_timeline_reader(caller: Caller, lsp_code: str) -> None:
    """Operators (deliveries or register), the portal and the application's own LSP read its timeline."""
    if caller.kind == "lsp" and caller.name == lsp_code:
        return
    require(caller, operator=(DELIVERIES, REGISTER), portal=True)


AnyoneKnown = Annotated[Caller, Depends(identify)]


def admit(*, operator: tuple[str, ...] = (), portal: bool = False,
          lsp: bool = False) -> Callable[[Caller], Awaitable[Caller]]:
    async def dependency(caller: AnyoneKnown) -> Caller:
        require(caller, operator=operator, portal=portal, lsp=lsp)
        return caller

    return dependency


RegistryOperator = Annotated[Caller, Depends(admit(operator=(REGISTRY,)))]
DeliveriesOperator = Annotated[Caller, Depends(admit(operator=(DELIVERIES,)))]
# The portal lists the LSPs applicants may choose; operators managing them or their deliveries too.
LspListReader = Annotated[Caller, Depends(admit(operator=(REGISTRY, DELIVERIES), portal=True))]
# NIK lookups, NIK rebinds and certificates: the portal on an applicant's behalf, or a register operator.
RegisterOperatorOrPortal = Annotated[Caller, Depends(admit(operator=(REGISTER,), portal=True))]
Portal = Annotated[Caller, Depends(admit(portal=True))]
LspCaller = Annotated[Caller, Depends(admit(lsp=True))]
