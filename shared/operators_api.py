"""Operators' routes and the dependencies that admit them, the same in every service that has
operator accounts (shared/operator_accounts.py):

- ``POST /api/v1/operator/session`` (``create_operator_session``): log in, a bearer token;
- ``DELETE /api/v1/operator/session`` (``delete_operator_session``): log out everywhere;
- ``GET /api/v1/operator/me`` (``get_operator_me``): who the token names, with the current roles;
- ``POST /api/v1/operator/password`` (``change_operator_password``): a new password, a new token;
- the audit log (shared/audit_api.py) for operators holding the role ``audit``.

A service calls :func:`install_operators` in its app.py and guards its operator routes with
``Depends(operator_with("<role>"))``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, Field

from shared.audit import Auditor
from shared.audit_api import audit_router
from shared.errors import PROBLEM_RESPONSES, problem_responses
from shared.operator_accounts import Operators, OperatorSession
from shared.operators import AUDIT, MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, OperatorPrincipal, refused
from shared.throttle import client_of

LOGIN_RESPONSES = {**PROBLEM_RESPONSES, **problem_responses(429)}


class OperatorLogin(BaseModel):
    email: str = Field(min_length=3, max_length=MAX_EMAIL_LENGTH)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class OperatorSessionOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires (log in again then)")

    @classmethod
    def of(cls, session: OperatorSession) -> OperatorSessionOut:
        return cls(access_token=session.access_token, expires_in=session.expires_in)


class OperatorMe(BaseModel):
    id: str
    email: str
    full_name: str
    roles: list[str] = Field(description="the account's roles now; admin implies every role")
    service: str


class OperatorPasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH,
                              description="at least 12 characters, not the email address")


def operators_of(request: Request) -> Operators:
    operators: Operators = request.app.state.operators
    return operators


def bearer_of(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


async def current_operator(request: Request) -> OperatorPrincipal:
    """The operator the bearer token names (any role)."""
    token = bearer_of(request)
    if token is None:
        raise refused("missing bearer token; log in as an operator (create_operator_session)")
    return await operators_of(request).authenticate(token, client=client_of(request))


def operator_with(*roles: str) -> Callable[[Request], Awaitable[OperatorPrincipal]]:
    """A dependency admitting operators holding one of ``roles`` (401 without a valid operator
    token, 403 naming the role without it)."""

    async def dependency(request: Request) -> OperatorPrincipal:
        return (await current_operator(request)).require(*roles)

    dependency.__name__ = "operator_with_" + "_or_".join(roles or ("any_role",))
    return dependency


CurrentOperator = Annotated[OperatorPrincipal, Depends(current_operator)]


def operator_router(*, tags: tuple[str, ...] = ("operator",)) -> APIRouter:
    router = APIRouter(tags=list(tags))

    @router.post("/api/v1/operator/session", operation_id="create_operator_session", status_code=201,
                 response_model=OperatorSessionOut, responses=LOGIN_RESPONSES)
    async def create_operator_session(body: OperatorLogin, request: Request) -> OperatorSessionOut:
        """Log in with the email and password the operator was created with. Failed attempts are
        throttled per (email, client) and per client (429 with ``Retry-After``)."""
        session = await operators_of(request).login(body.email, body.password, client=client_of(request))
        return OperatorSessionOut.of(session)

    @router.delete("/api/v1/operator/session", operation_id="delete_operator_session", status_code=204,
                   responses=PROBLEM_RESPONSES)
    async def delete_operator_session(request: Request, operator: CurrentOperator) -> Response:
        """Log out: every token issued to this operator so far is refused from now on."""
        await operators_of(request).logout(operator)
        return Response(status_code=204)

    @router.get("/api/v1/operator/me", operation_id="get_operator_me", response_model=OperatorMe,
                responses=PROBLEM_RESPONSES)
    async def get_operator_me(operator: CurrentOperator) -> OperatorMe:
        return OperatorMe(id=operator.id, email=operator.email, full_name=operator.full_name,
                          roles=sorted(operator.roles), service=operator.service)

    @router.post("/api/v1/operator/password", operation_id="change_operator_password",
                 response_model=OperatorSessionOut, responses=LOGIN_RESPONSES)
    async def change_operator_password(body: OperatorPasswordChange, request: Request,
                                       operator: CurrentOperator) -> OperatorSessionOut:
        """Every earlier token is refused from now on; the answer is a fresh one."""
        session = await operators_of(request).change_password(operator, body.current_password, body.new_password)
        return OperatorSessionOut.of(session)

    return router


def install_operators(app: FastAPI, operators: Operators, auditor: Auditor) -> None:
    """The operator routes, and the audit log for operators with the role ``audit``."""
    app.state.operators = operators
    app.include_router(operator_router())
    app.include_router(audit_router(auditor, operator_with(AUDIT)))
