"""Request dependencies: the LSP context and the authenticated staff member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from services.lsp.context import LspContext, request_context
from services.lsp.security import StaffPrincipal, read_token
from shared.errors import Problem

# auto_error=False: a missing token is answered as problem+json by ``current_staff``.
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def current_staff(token: str | None = Depends(oauth2),
                        ctx: LspContext = Depends(request_context)) -> StaffPrincipal:
    if not token:
        raise Problem(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    return read_token(token, lsp_code=ctx.code, secret=ctx.settings.jwt_secret.get_secret_value())


def require_role(*roles: str) -> Callable[..., Awaitable[StaffPrincipal]]:
    """Admit staff holding at least one of ``roles``."""

    async def dependency(staff: StaffPrincipal = Depends(current_staff)) -> StaffPrincipal:
        if not any(staff.has(r) for r in roles):
            raise Problem(403, f"this operation needs the role {' or '.join(repr(r) for r in roles)}",
                          required_role=list(roles))
        return staff

    return dependency


def ctx_dep(request: Request) -> LspContext:
    return request_context(request)
