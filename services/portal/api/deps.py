"""What every route needs, as ``Annotated`` aliases: the current applicant and the use cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from services.portal.security import read_access_claims
from services.portal.settings import PortalSettings
from services.portal.usecases import (
    Accounts,
    Appeals,
    Applications,
    Certificates,
    Documents,
    Logins,
    NikBindings,
    Notifications,
    PasswordResets,
    Payments,
    PortalUseCases,
    Submission,
    Withdrawal,
)
from services.portal.usecases.common import UnknownUser
from services.portal.usecases.forms import ApplicationForms
from shared.account_cache import AccountStanding, RecentAccounts, admits
from shared.exceptions import Unauthenticated
from shared.runtime import ServiceRuntime
from shared.throttle import client_of

TOKEN_URL = "/api/v1/auth/token"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


@dataclass
class PortalContext:
    runtime: ServiceRuntime
    settings: PortalSettings
    usecases: PortalUseCases
    confirmed_users: RecentAccounts[AccountStanding]


@dataclass(frozen=True)
class Applicant:
    """The caller of an applicant's route: the user id its bearer token names (see
    :func:`current_user`). Use cases that need the user's details read them themselves."""

    id: str


async def get_portal(request: Request) -> PortalContext:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool, a thread
    # hop on every request for an attribute lookup.
    portal: PortalContext = request.app.state.portal
    return portal


PortalDep = Annotated[PortalContext, Depends(get_portal)]


async def current_user(token: Annotated[str | None, Depends(oauth2_scheme)], portal: PortalDep) -> Applicant:
    """The applicant the bearer token names: its signature and expiry are checked on every
    request; that the account is still activated and the token's version still current (no
    logout or password change since) is read from the database at most once per
    ``user_recheck_seconds`` per user, and afresh for a token newer than that read
    (:class:`~shared.account_cache.RecentAccounts`)."""
    if not token:
        raise Unauthenticated("missing bearer token", headers={"WWW-Authenticate": "Bearer"},
                              errors=[{"field": "authorization", "message": "log in and send the bearer token"}])
    user_id, version = read_access_claims(token, secret=portal.settings.jwt_secret.get_secret_value())
    account = await portal.confirmed_users.account(
        user_id, version, lambda: portal.usecases.accounts.standing(user_id))
    if account is None or not account.active:  # gone, or no longer activated
        raise UnknownUser()
    if not admits(account, version):
        raise Unauthenticated("this session has ended (logged out or password changed); log in again",
                              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                              errors=[{"field": "authorization", "message": "session ended; log in again"}])
    return Applicant(user_id)


async def client_address(request: Request) -> str:
    """Where the request comes from, for throttles and the audit log."""
    return client_of(request)


CurrentUser = Annotated[Applicant, Depends(current_user)]
ClientAddress = Annotated[str, Depends(client_address)]


def _use_case(name: str) -> Callable[[PortalContext], Awaitable[Any]]:
    """A dependency handing the route one group of the app's use cases (built once, in app.py)."""

    async def provide(portal: PortalDep) -> Any:
        return getattr(portal.usecases, name)

    provide.__name__ = f"use_case_{name}"
    return provide


AccountsDep = Annotated[Accounts, Depends(_use_case("accounts"))]
LoginsDep = Annotated[Logins, Depends(_use_case("logins"))]
PasswordResetsDep = Annotated[PasswordResets, Depends(_use_case("password_resets"))]
ApplicationsDep = Annotated[Applications, Depends(_use_case("applications"))]
SubmissionDep = Annotated[Submission, Depends(_use_case("submission"))]
PaymentsDep = Annotated[Payments, Depends(_use_case("payments"))]
AppealsDep = Annotated[Appeals, Depends(_use_case("appeals"))]
CertificatesDep = Annotated[Certificates, Depends(_use_case("certificates"))]
FormsDep = Annotated[ApplicationForms, Depends(_use_case("forms"))]
DocumentsDep = Annotated[Documents, Depends(_use_case("documents"))]
NotificationsDep = Annotated[Notifications, Depends(_use_case("notifications"))]
WithdrawalDep = Annotated[Withdrawal, Depends(_use_case("withdrawal"))]
NikBindingsDep = Annotated[NikBindings, Depends(_use_case("nik_bindings"))]
