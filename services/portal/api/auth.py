"""The applicant's account: registration, activation by emailed link, login (OAuth2 password
flow), logout, password change and reset. Requests whose outcome must not tell whether an
account exists (register, resend_activation, request_password_reset) answer 202 with one body;
the mailbox's owner learns the rest by email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from services.portal.api.deps import AccountsDep, ClientAddress, CurrentUser, LoginsDep, PasswordResetsDep
from services.portal.api.schemas import (
    Accepted,
    ActivateRequest,
    ActivateResponse,
    ChangePasswordRequest,
    EmailRequest,
    PasswordReset,
    RegisterRequest,
    RegisterResponse,
    ResetPasswordRequest,
    TokenResponse,
)
from services.portal.usecases.accounts import NewAccount
from shared.errors import PROBLEM_RESPONSES, problem_responses

__all__ = ["router"]

router = APIRouter(tags=["accounts"])

_THROTTLED = problem_responses(429)
RESEND_ACCEPTED = ("if this address has an account waiting for activation, a new activation link is on its way; "
                   "check the mailbox")
RESET_ACCEPTED = "if this address has an account, an email with what to do next is on its way; check the mailbox"


@router.post("/auth/register", operation_id="register", status_code=202, response_model=RegisterResponse,
             responses={**PROBLEM_RESPONSES, **_THROTTLED})
async def register(body: RegisterRequest, accounts: AccountsDep, client: ClientAddress) -> RegisterResponse:
    email = await accounts.register(NewAccount(**body.model_dump()), client)
    return RegisterResponse(email=email)


@router.post("/auth/activation/resend", operation_id="resend_activation", status_code=202, response_model=Accepted,
             responses={**PROBLEM_RESPONSES, **_THROTTLED})
async def resend_activation(body: EmailRequest, accounts: AccountsDep, client: ClientAddress) -> Accepted:
    await accounts.resend_activation(str(body.email), client)
    return Accepted(detail=RESEND_ACCEPTED)


@router.post("/auth/activate", operation_id="activate_account", response_model=ActivateResponse,
             responses={**PROBLEM_RESPONSES, 410: {"description": "link used or expired"}})
async def activate_account(body: ActivateRequest, accounts: AccountsDep, client: ClientAddress) -> ActivateResponse:
    return ActivateResponse(email=await accounts.activate(body.token, body.password, body.password_repeat, client))


@router.post("/auth/token", operation_id="login", response_model=TokenResponse,
             responses={**PROBLEM_RESPONSES, **_THROTTLED})
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], logins: LoginsDep,
                client: ClientAddress) -> TokenResponse:
    token = await logins.login(form.username, form.password, client)
    return TokenResponse(access_token=token.token, expires_in=token.expires_in)


@router.post("/auth/logout", operation_id="logout", status_code=204, response_class=Response,
             responses=PROBLEM_RESPONSES)
async def logout(user: CurrentUser, logins: LoginsDep, client: ClientAddress) -> Response:
    """Ends every session of the account (each device logs in again)."""
    await logins.logout(user.id, client)
    return Response(status_code=204)


@router.post("/auth/password", operation_id="change_password", response_model=TokenResponse,
             responses={**PROBLEM_RESPONSES, **_THROTTLED})
async def change_password(body: ChangePasswordRequest, user: CurrentUser, logins: LoginsDep,
                          client: ClientAddress) -> TokenResponse:
    """Other sessions end; this one continues with the token in the answer."""
    token = await logins.change_password(user.id, body.current_password, body.password, body.password_repeat,
                                         client)
    return TokenResponse(access_token=token.token, expires_in=token.expires_in)


@router.post("/auth/password-reset", operation_id="request_password_reset", status_code=202,
             response_model=Accepted, responses={**PROBLEM_RESPONSES, **_THROTTLED})
async def request_password_reset(body: EmailRequest, resets: PasswordResetsDep, client: ClientAddress) -> Accepted:
    await resets.request(str(body.email), client)
    return Accepted(detail=RESET_ACCEPTED)


@router.post("/auth/password-reset/confirm", operation_id="reset_password", response_model=PasswordReset,
             responses={**PROBLEM_RESPONSES, 410: {"description": "link used or expired"}})
async def reset_password(body: ResetPasswordRequest, resets: PasswordResetsDep,
                         client: ClientAddress) -> PasswordReset:
    await resets.reset(body.token, body.password, body.password_repeat, client)
    return PasswordReset()
