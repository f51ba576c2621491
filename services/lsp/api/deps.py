"""Request dependencies, as ``Annotated`` aliases: the LSP's context and the authenticated staff
member (with the roles an operation needs; the account's current roles, read per request)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from services.lsp.usecases import staff
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import StaffPrincipal
from shared.throttle import client_of

# auto_error=False: a missing token is answered as problem+json by ``current_staff``.
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_context(request: Request) -> LspContext:
    return cast(LspContext, request.app.state.lsp)


async def get_client(request: Request) -> str:
    return client_of(request)


Ctx = Annotated[LspContext, Depends(get_context)]
Client = Annotated[str, Depends(get_client)]
BearerToken = Annotated[str | None, Depends(oauth2)]


async def current_staff(token: BearerToken, ctx: Ctx, client: Client) -> StaffPrincipal:
    return await staff.authenticate(ctx, token, client=client)


AnyStaff = Annotated[StaffPrincipal, Depends(current_staff)]


def require_role(*roles: str) -> Callable[[StaffPrincipal], Awaitable[StaffPrincipal]]:
    """Admit staff holding at least one of ``roles``."""

    async def dependency(principal: AnyStaff) -> StaffPrincipal:
        return staff.require_role(principal, roles)

    return dependency


Admin = Annotated[StaffPrincipal, Depends(require_role("admin"))]
Asesor = Annotated[StaffPrincipal, Depends(require_role("asesor"))]
Komite = Annotated[StaffPrincipal, Depends(require_role("komite"))]
