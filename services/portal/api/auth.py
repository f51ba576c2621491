"""Registration, activation by email link, and login (OAuth2 password flow)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2PasswordRequestForm

from services.portal.api.deps import AccountsDep
from services.portal.api.schemas import (
    ActivateRequest,
    ActivateResponse,
    RegisterRequest,
    RegisterResponse,
    TokenResponse,
)
from services.portal.usecases.accounts import NewAccount
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["accounts"])


@router.post("/auth/register", operation_id="register", status_code=201, response_model=RegisterResponse,
             responses=PROBLEM_RESPONSES)
async def register(body: RegisterRequest, accounts: AccountsDep) -> RegisterResponse:
    registered = await accounts.register(NewAccount(**body.model_dump()))
    return RegisterResponse(id=registered.user_id, email=registered.email)


@router.post("/auth/activate", operation_id="activate_account", response_model=ActivateResponse,
             responses={**PROBLEM_RESPONSES, 410: {"description": "link used or expired"}})
async def activate_account(body: ActivateRequest, accounts: AccountsDep) -> ActivateResponse:
    return ActivateResponse(email=await accounts.activate(body.token, body.password, body.password_repeat))


@router.post("/auth/token", operation_id="login", response_model=TokenResponse,
             responses={**PROBLEM_RESPONSES, 429: {"description": "too many failed attempts"}})
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], accounts: AccountsDep) -> TokenResponse:
    token = await accounts.login(form.username, form.password)
    return TokenResponse(access_token=token.token, expires_in=token.expires_in)


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


@page_router.get("/activate", response_class=HTMLResponse,
                 responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
async def activation_page() -> HTMLResponse:
    """The page the emailed link opens (no front end ships with the chain): it posts to activate_account."""
    return HTMLResponse(_ACTIVATE_PAGE)
