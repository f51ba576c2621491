"""The applicant's account: registration (with the emailed activation link), activation, login
with its throttle on failures, and whether a token's user may still act."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import ActivationToken, User
from services.portal.db.repositories import (
    activation_token,
    add_login_failure,
    clear_login_failures,
    login_failures_since,
    use_activation_token,
    user_by_email,
    user_by_id,
    void_activation_tokens,
)
from services.portal.domain.accounts import (
    activation_token_problem,
    hash_token,
    login_retry_after,
    normalize_email,
    password_errors,
    registration_errors,
)
from services.portal.domain.applications import activation_email
from services.portal.security import hash_password, mint_access_token, verify_password
from services.portal.settings import PortalSettings
from services.portal.usecases.common import Emit, request_email, utc
from shared.bus import utcnow
from shared.exceptions import Conflict, Forbidden, Gone, Invalid, TooManyRequests, Unauthenticated
from shared.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    email: str
    phone: str
    is_individual: bool
    data_truth_consent: bool


@dataclass(frozen=True)
class Registered:
    user_id: str
    email: str


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


def _already_registered(detail: str) -> Conflict:
    return Conflict(detail, errors=[{"field": "email", "message": "already registered"}])


class Accounts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], emit: Emit, settings: PortalSettings) -> None:
        self.sessions = sessions
        self.emit = emit
        self.settings = settings

    async def register(self, new: NewAccount) -> Registered:
        """A new (or not yet activated) account and a fresh activation link by email; older links void."""
        errors = registration_errors(is_individual=new.is_individual, data_truth_consent=new.data_truth_consent,
                                     phone=new.phone)
        if errors:
            raise Invalid.fields(errors)
        email = normalize_email(new.email)
        settings = self.settings
        now = utcnow()
        token = secrets.token_urlsafe(32)
        try:
            async with self.sessions() as s, s.begin():
                user = await user_by_email(s, email)
                if user is not None and user.verified_at is not None:
                    raise _already_registered("this email is already registered; log in instead")
                if user is None:
                    user = User(id=str(uuid.uuid4()), email=email, created_at=now, first_name=new.first_name,
                                last_name=new.last_name, phone=new.phone, is_individual=True,
                                data_truth_consent=True)
                    s.add(user)
                else:
                    # Registering again before activating: new details, a fresh link, the old ones void.
                    user.first_name, user.last_name, user.phone = new.first_name, new.last_name, new.phone
                    await void_activation_tokens(s, user.id, now)
                await s.flush()
                s.add(ActivationToken(token_hash=hash_token(token), user_id=user.id,
                                      expires_at=now + timedelta(seconds=settings.activation_ttl_seconds)))
                link = f"{settings.public_url.rstrip('/')}/activate?token={quote(token)}"
                subject, text = activation_email(new.first_name, link,
                                                 max(1, settings.activation_ttl_seconds // 3600))
                request_email(self.emit, s, email, subject, text)
                user_id = user.id
        except IntegrityError as exc:  # a concurrent registration of the same email won
            raise _already_registered("this email is already registered") from exc
        log.info("applicant registered", user_id=user_id)
        return Registered(user_id, email)

    async def activate(self, token: str, password: str, password_repeat: str) -> str:
        """Set the password with the emailed link (usable once, until it expires): the account's email."""
        now = utcnow()
        async with self.sessions() as s, s.begin():
            row = await activation_token(s, hash_token(token))
            user = await user_by_id(s, row.user_id) if row is not None else None
            if row is None or user is None:
                raise Invalid("unknown activation link",
                              errors=[{"field": "token", "message": "unknown activation link"}])
            why = activation_token_problem(expires_at=utc(row.expires_at), used_at=row.used_at, now=now)
            if why:
                raise Gone(why, errors=[{"field": "token", "message": why}])
            errors = password_errors(password, password_repeat, user.email)
            if errors:
                raise Invalid.fields(errors)
            if not await use_activation_token(s, row.token_hash, now):
                raise Gone("this activation link has already been used",
                           errors=[{"field": "token", "message": "already used"}])
            user.password_hash = hash_password(password)
            user.verified_at = user.verified_at or now
            return user.email

    async def login(self, username: str, password: str) -> AccessToken:
        """A bearer token for an activated account; failures are counted and throttle the email."""
        settings = self.settings
        email = normalize_email(username)
        now = utcnow()
        user_id: str | None = None
        async with self.sessions() as s, s.begin():
            since = now - timedelta(seconds=settings.login_window_seconds)
            failures = await login_failures_since(s, email, since)
            retry = login_retry_after([utc(f) for f in failures], now=now, max_failures=settings.login_max_failures,
                                      window_seconds=settings.login_window_seconds)
            if retry is not None:
                raise TooManyRequests(f"too many failed logins; try again in {retry} seconds",
                                      errors=[{"field": "username", "message": "temporarily locked"}],
                                      headers={"Retry-After": str(retry)})
            user = await user_by_email(s, email)
            if user is not None and user.verified_at is None:
                raise Forbidden("the account is not activated yet; open the link in the verification email",
                                errors=[{"field": "username", "message": "account not activated"}])
            if user is None or not verify_password(user.password_hash, password):
                # Recorded (and committed) before answering: that is what the throttle counts.
                add_login_failure(s, email, now)
            else:
                await clear_login_failures(s, email)
                user_id = user.id
        if user_id is None:
            raise Unauthenticated("wrong email or password", headers={"WWW-Authenticate": "Bearer"},
                                  errors=[{"field": "password", "message": "wrong email or password"}])
        token = mint_access_token(user_id, secret=settings.jwt_secret.get_secret_value(),
                                  ttl_seconds=settings.access_token_ttl_seconds)
        return AccessToken(token, settings.access_token_ttl_seconds)

    async def is_active(self, user_id: str) -> bool:
        """Whether the user still exists and is activated."""
        async with self.sessions() as s:
            user = await user_by_id(s, user_id)
        return user is not None and user.verified_at is not None
