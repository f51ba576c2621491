"""The pages the emailed links open (no front end ships with the chain yet): activation, and
the password reset (ask for a link; set the new password with it). The script is served from
this origin, not inline: the Content-Security-Policy allows only ``script-src 'self'``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

page_router = APIRouter(include_in_schema=False)

_HTML: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {"schema": {"type": "string"}}}}}

_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{title}</title>
<script src="/account-pages.js" defer></script></head>
<body><h1>{title}</h1>{body}<pre id="out"></pre></body></html>"""

_PASSWORD_FIELDS = """<label>Kata sandi baru <input type="password" name="password" required></label><br>
<label>Ulangi kata sandi <input type="password" name="password_repeat" required></label><br>"""

ACTIVATE_PAGE = _PAGE.format(title="Aktivasi akun SKK Konstruksi", body=f"""
<form id="f" data-post="/api/v1/auth/activate" data-done="Akun aktif. Silakan masuk.">{_PASSWORD_FIELDS}
<button type="submit">Aktifkan</button></form>""")

RESET_PAGE = _PAGE.format(title="Atur ulang kata sandi", body=f"""
<form id="ask" data-post="/api/v1/auth/password-reset"
 data-done="Jika alamat ini terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim ke email tersebut.">
<label>Email <input type="email" name="email" required></label><br>
<button type="submit">Kirim tautan</button></form>
<form id="f" data-post="/api/v1/auth/password-reset/confirm"
 data-done="Kata sandi telah diganti. Silakan masuk dengan kata sandi baru.">{_PASSWORD_FIELDS}
<button type="submit">Simpan kata sandi</button></form>""")

SCRIPT = """document.addEventListener('DOMContentLoaded', () => {
  const token = new URLSearchParams(location.search).get('token');
  const ask = document.getElementById('ask');
  const set = document.getElementById('f');
  if (ask && set) { (token ? ask : set).hidden = true; }
  for (const form of document.querySelectorAll('form')) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = Object.fromEntries(new FormData(form).entries());
      if (form.id === 'f') { body.token = token || ''; }
      const r = await fetch(form.dataset.post, {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(body)});
      document.getElementById('out').textContent = r.ok ? form.dataset.done
        : JSON.stringify(await r.json(), null, 2);
    });
  }
});
"""


@page_router.get("/activate", response_class=HTMLResponse, responses=_HTML)
async def activation_page() -> HTMLResponse:
    """The page the activation link opens: it posts to activate_account."""
    return HTMLResponse(ACTIVATE_PAGE)


@page_router.get("/reset-password", response_class=HTMLResponse, responses=_HTML)
async def reset_page() -> HTMLResponse:
    """Without a token: ask for a reset link; with the emailed one: set the new password."""
    return HTMLResponse(RESET_PAGE)


@page_router.get("/account-pages.js")
async def account_script() -> Response:
    return Response(SCRIPT, media_type="text/javascript")
