"""Who is calling: the portal (service token), an LSP (its api key) or an operator."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from fastapi import Request

from services.siki.service import Siki
from shared.auth import bearer_token, verify_service_token
from shared.errors import Problem

CallerKind = Literal["operator", "service", "lsp"]


@dataclass(frozen=True)
class Caller:
    kind: CallerKind
    name: str  # "operator", the calling service ("portal"), or the LSP's code

    @property
    def is_portal(self) -> bool:
        return self.kind == "service" and self.name == "portal"


def siki_of(request: Request) -> Siki:
    siki: Siki = request.app.state.siki
    return siki


async def identify(request: Request) -> Caller:
    token = bearer_token(request)
    siki = siki_of(request)
    if hmac.compare_digest(token.encode(), siki.settings.operator_token.get_secret_value().encode()):
        return Caller("operator", "operator")
    if token.count(".") == 2:  # a JWT: a service token of the chain
        caller = verify_service_token(
            token, secret=siki.settings.service_token_secret.get_secret_value(), audience="siki")
        return Caller("service", caller)
    lsp_code = await siki.lsp_code_by_api_key(token)
    if lsp_code is not None:
        return Caller("lsp", lsp_code)
    raise Problem(401, "unknown credentials", headers={"WWW-Authenticate": "Bearer"})


def require(caller: Caller, *, operator: bool = False, portal: bool = False, lsp: bool = False) -> None:
    if (operator and caller.kind == "operator") or (portal and caller.is_portal) or (lsp and caller.kind == "lsp"):
        return
    raise Problem(403, f"{caller.kind} {caller.name!r} may not call this operation")


async def operator(request: Request) -> Caller:
    caller = await identify(request)
    require(caller, operator=True)
    return caller


async def portal(request: Request) -> Caller:
    caller = await identify(request)
    require(caller, portal=True)
    return caller


async def operator_or_portal(request: Request) -> Caller:
    caller = await identify(request)
    require(caller, operator=True, portal=True)
    return caller


async def lsp(request: Request) -> Caller:
    caller = await identify(request)
    require(caller, lsp=True)
    return caller


async def anyone_known(request: Request) -> Caller:
    return await identify(request)
