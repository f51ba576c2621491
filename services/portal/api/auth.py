"""Registration, activation by email link, and login (OAuth2 password flow)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr, Field, StringConstraints
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from services.portal.api.deps import PortalContext, get_portal, utc
from services.portal.db.models import ActivationToken, LoginFailure, User
from services.portal.db.repositories import user_by_email
from services.portal.domain.accounts import (
    activation_token_problem,
    hash_token,
    login_retry_after,
    normalize_email,
    password_errors,
    registration_errors,
)
from services.portal.domain.applications import activation_email
from services.portal.events import request_email
from services.portal.security import hash_password, mint_access_token, verify_password
from shared.bus import utcnow
from shared.errors import PROBLEM_RESPONSES, Problem, validation_problem
from shared.logging import get_logger

log = get_logger(__name__)
router = APIRouter(tags=["accounts"])

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class RegisterRequest(BaseModel):
    first_name: Name
    last_name: Name
    email: EmailStr
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    is_individual: bool
    data_truth_consent: bool


class RegisterResponse(BaseModel):
    id: str
    email: str
    verified: bool = False
    detail: str = "a verification link has been sent to the email address"


class ActivateRequest(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    password: str = Field(max_length=200)
    password_repeat: str = Field(max_length=200)


class ActivateResponse(BaseModel):
    email: str
    verified: bool = True


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/auth/register", operation_id="register", status_code=201, response_model=RegisterResponse,
             responses=PROBLEM_RESPONSES)
async def register(body: RegisterRequest, portal: PortalContext = Depends(get_portal)) -> RegisterResponse:
    errors = registration_errors(is_individual=body.is_individual, data_truth_consent=body.data_truth_consent,
                                 phone=body.phone)
    if errors:
        raise validation_problem(errors)
    email = normalize_email(str(body.email))
    settings = portal.settings
    now = utcnow()
    token = secrets.token_urlsafe(32)
    try:
        async with portal.runtime.sessions() as s, s.begin():
            user = await user_by_email(s, email)
            if user is not None and user.verified_at is not None:
                raise Problem(409, "this email is already registered; log in instead",
                              errors=[{"field": "email", "message": "already registered"}])
            if user is None:
                user = User(id=str(uuid.uuid4()), email=email, created_at=now, first_name=body.first_name,
                            last_name=body.last_name, phone=body.phone, is_individual=True,
                            data_truth_consent=True)
                s.add(user)
            else:
                # Registering again before activating: new details, a fresh link, the old ones void.
                user.first_name, user.last_name, user.phone = body.first_name, body.last_name, body.phone
                await s.execute(update(ActivationToken)
                                .where(ActivationToken.user_id == user.id, ActivationToken.used_at.is_(None))
                                .values(used_at=now))
            await s.flush()
            s.add(ActivationToken(token_hash=hash_token(token), user_id=user.id,
                                  expires_at=now + timedelta(seconds=settings.activation_ttl_seconds)))
            link = f"{settings.public_url.rstrip('/')}/activate?token={quote(token)}"
            subject, text = activation_email(body.first_name, link, max(1, settings.activation_ttl_seconds // 3600))
            request_email(portal.runtime, s, email, subject, text)
            user_id = user.id
    except IntegrityError as exc:  # a concurrent registration of the same email won
        raise Problem(409, "this email is already registered",
                      errors=[{"field": "email", "message": "already registered"}]) from exc
    log.info("applicant registered", user_id=user_id)
    return RegisterResponse(id=user_id, email=email)


@router.post("/auth/activate", operation_id="activate_account", response_model=ActivateResponse,
             responses={**PROBLEM_RESPONSES, 410: {"description": "link used or expired"}})
async def activate_account(body: ActivateRequest, portal: PortalContext = Depends(get_portal)) -> ActivateResponse:
    now = utcnow()
    async with portal.runtime.sessions() as s, s.begin():
        row = await s.get(ActivationToken, hash_token(body.token))
        user = await s.get(User, row.user_id) if row is not None else None
        if row is None or user is None:
            raise Problem(422, "unknown activation link",
                          errors=[{"field": "token", "message": "unknown activation link"}])
        why = activation_token_problem(expires_at=utc(row.expires_at), used_at=row.used_at, now=now)
        if why:
            raise Problem(410, why, errors=[{"field": "token", "message": why}])
        errors = password_errors(body.password, body.password_repeat, user.email)
        if errors:
            raise validation_problem(errors)
        # Conditional, so that two requests racing with one link activate once.
        used = await s.execute(update(ActivationToken)
                               .where(ActivationToken.token_hash == row.token_hash, ActivationToken.used_at.is_(None))
                               .values(used_at=now))
        if getattr(used, "rowcount", 0) != 1:
            raise Problem(410, "this activation link has already been used",
                          errors=[{"field": "token", "message": "already used"}])
        user.password_hash = hash_password(body.password)
        user.verified_at = user.verified_at or now
        email = user.email
    return ActivateResponse(email=email)


@router.post("/auth/token", operation_id="login", response_model=TokenResponse,
             responses={**PROBLEM_RESPONSES, 429: {"description": "too many failed attempts"}})
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()],
                portal: PortalContext = Depends(get_portal)) -> TokenResponse:
    settings = portal.settings
    email = normalize_email(form.username)
    now = utcnow()
    outcome: Problem | None = None
    user_id: str | None = None
    async with portal.runtime.sessions() as s, s.begin():
        since = now - timedelta(seconds=settings.login_window_seconds)
        failures = (await s.execute(select(LoginFailure.at)
                                    .where(LoginFailure.email == email, LoginFailure.at > since))).scalars().all()
        retry = login_retry_after([utc(f) for f in failures], now=now, max_failures=settings.login_max_failures,
                                  window_seconds=settings.login_window_seconds)
        if retry is not None:
            raise Problem(429, f"too many failed logins; try again in {retry} seconds",
                          errors=[{"field": "username", "message": "temporarily locked"}],
                          headers={"Retry-After": str(retry)})
        user = await user_by_email(s, email)
        if user is not None and user.verified_at is None:
            raise Problem(403, "the account is not activated yet; open the link in the verification email",
                          errors=[{"field": "username", "message": "account not activated"}])
        if user is None or not verify_password(user.password_hash, form.password):
            # Recorded (and committed) before answering: that is what the throttle counts.
            s.add(LoginFailure(email=email, at=now))
            outcome = Problem(401, "wrong email or password",
                              errors=[{"field": "password", "message": "wrong email or password"}],
                              headers={"WWW-Authenticate": "Bearer"})
        else:
            await s.execute(delete(LoginFailure).where(LoginFailure.email == email))
            user_id = user.id
    if outcome is not None or user_id is None:
        raise outcome or Problem(401, "wrong email or password")
    token = mint_access_token(user_id, secret=settings.jwt_secret.get_secret_value(),
                              ttl_seconds=settings.access_token_ttl_seconds)
    return TokenResponse(access_token=token, expires_in=settings.access_token_ttl_seconds)


_ACTIVATE_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Aktivasi akun SKK Konstruksi</title></head>
<body><h1>Aktivasi akun</h1>
<form id="f"><label>Kata sandi <input type="password" name="password" required></label><br>
<label>Ulangi kata sandi <input type="password" name="password_repeat" required></label><br>
<button type="submit">Aktifkan</button></form><pre id="out"></pre>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = new URLSearchParams(location.search).get('token') || '';
  const fd = new FormData(e.target);
  const r = await fetch('/api/v1/auth/activate', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token, password: fd.get('password'), password_repeat: fd.get('password_repeat')})});
  document.getElementById('out').textContent =
    r.ok ? 'Akun aktif. Silakan masuk.' : JSON.stringify(await r.json(), null, 2);
});
</script></body></html>"""


page_router = APIRouter(include_in_schema=False)


@page_router.get("/activate")
async def activation_page() -> HTMLResponse:
    """The page the emailed link opens (no front end ships with the chain): it posts to activate_account."""
    return HTMLResponse(_ACTIVATE_PAGE)


