"""Who is calling: the portal (service token), an LSP (its api key) or an operator."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

from services.siki.api.deps import SettingsDep, SikiDep
from services.siki.usecases.registry import lsp_code_by_api_key
from shared.auth import ServiceIdentity, bearer_token
from shared.exceptions import Forbidden, Unauthenticated

CallerKind = Literal["operator", "service", "lsp"]


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    name: str  # "operator", the calling service ("portal"), or the LSP's code

    @property
    def is_portal(self) -> bool:
        return self.kind == "service" and self.name == "portal"


async def identify(request: Request, siki: SikiDep, settings: SettingsDep) -> Caller:
    token = bearer_token(request)
    if hmac.compare_digest(token.encode(), settings.operator_token.get_secret_value().encode()):
        return Caller("operator", "operator")
    if token.count(".") == 2:  # a JWT: a service token of the chain, signed with its party's own key
        identity: ServiceIdentity = request.app.state.runtime.identity
        return Caller("service", identity.verify(token, "siki"))
    lsp_code = await lsp_code_by_api_key(siki, token)
    if lsp_code is not None:
        return Caller("lsp", lsp_code)
    raise Unauthenticated("unknown credentials", headers={"WWW-Authenticate": "Bearer"})


def require(caller: Caller, *, operator: bool = False, portal: bool = False, lsp: bool = False) -> None:
    if (operator and caller.kind == "operator") or (portal and caller.is_portal) or (lsp and caller.kind == "lsp"):
        return
    raise Forbidden(f"{caller.kind} {caller.name!r} may not call this operation")


def require_timeline_reader(caller: Caller, lsp_code: str) -> None:
    """Operators, the portal and the application's own LSP read its timeline."""
    if caller.kind == "operator" or caller.is_portal or (caller.kind == "lsp" and caller.name == lsp_code):
        return
    raise Forbidden(f"{caller.kind} {caller.name!r} may not read this timeline")


AnyoneKnown = Annotated[Caller, Depends(identify)]


async def operator(caller: AnyoneKnown) -> Caller:
    require(caller, operator=True)
    return caller


async def portal(caller: AnyoneKnown) -> Caller:
    require(caller, portal=True)
    return caller


async def operator_or_portal(caller: AnyoneKnown) -> Caller:
    require(caller, operator=True, portal=True)
    return caller


async def lsp(caller: AnyoneKnown) -> Caller:
    require(caller, lsp=True)
    return caller


Operator = Annotated[Caller, Depends(operator)]
Portal = Annotated[Caller, Depends(portal)]
OperatorOrPortal = Annotated[Caller, Depends(operator_or_portal)]
LspCaller = Annotated[Caller, Depends(lsp)]
