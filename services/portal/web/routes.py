"""The portal's web UI (SPEC section 8, "People see it"): the applicant's pages, served by the
portal itself under ``/``. The pages call the portal's use cases directly, as the API does, and
hold the API's own bearer token in an HttpOnly cookie, so they authorise exactly like the API."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from fastapi import FastAPI

from services.portal.settings import PortalSettings
from services.portal.web import account_routes, applicant_routes
from shared.http_surface import allow_uploads
from shared.settings import Mode
from shared.web import WebUI

TEMPLATES = Path(__file__).parent / "templates"


def web_secret(settings: PortalSettings) -> str:
    """The pages' CSRF and flash key: derived from the JWT secret (production already refuses a
    weak one), so no new secret to configure."""
    key = settings.jwt_secret.get_secret_value().encode()
    return hmac.new(key, b"skk-portal-web-ui", hashlib.sha256).hexdigest()


def install_web(app: FastAPI) -> WebUI:
    """The applicant's pages, ``/static``, and ``app.state.web_ui`` (the form's pages use it too)."""
    settings: PortalSettings = app.state.portal.settings
    ui = WebUI("portal", TEMPLATES, secret=web_secret(settings),
               secure_cookies=settings.mode == Mode.PRODUCTION or settings.public_url.startswith("https://"))
    app.state.web_ui = ui
    ui.install(app)
    app.include_router(account_routes.router)
    app.include_router(applicant_routes.router)
    allow_uploads(app, settings.max_upload_bytes, "web_payment_proof")
    return ui
