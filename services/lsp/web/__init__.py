"""The LSP staff's web UI (SPEC section 8, "People see it"), served by each LSP instance under
``/``: :func:`install_web` gives an app its own :class:`~shared.web.WebUI` (one process may host
several LSPs, each with its own secret and cookies) and its pages."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from fastapi import FastAPI

from services.lsp.settings import LspSettings
from shared.settings import Mode
from shared.web import WebUI

TEMPLATES = Path(__file__).parent / "templates"


def web_secret(settings: LspSettings) -> str:
    """The key of the pages' CSRF tokens and flash cookies, derived from the LSP's staff-token
    secret (production refuses a weak one), for this use only."""
    key = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(key, f"skk-web-ui:{settings.lsp_code}".encode(), hashlib.sha256).hexdigest()


def install_web(app: FastAPI, settings: LspSettings) -> WebUI:
    from services.lsp.web.routes import router
    from services.lsp.web.views import shown_value

    ui = WebUI("lsp", TEMPLATES, secret=web_secret(settings), login_url="/", instance=settings.lsp_code,
               secure_cookies=settings.mode == Mode.PRODUCTION or settings.public_url.startswith("https://"))
    ui.filters["nilai"] = shown_value
    ui.install(app)
    app.state.lsp_web = ui
    app.include_router(router)
    return ui
