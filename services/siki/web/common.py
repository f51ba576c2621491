"""What every SIKI operator page needs: the page set-up (WebUI), the operator behind the session
cookie (the same bearer token ``create_operator_session`` issues, checked by the same accounts), and
the role check, with the roles the API asks for (api/auth.py)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from services.siki.settings import SikiSettings
from services.siki.usecases.context import Actor, SikiContext
from shared.exceptions import Unauthenticated
from shared.operator_accounts import Operators
from shared.operators import OperatorPrincipal
from shared.throttle import client_of
from shared.web import LoginRequired, WebUI

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 25

# The navigation: (path, message key, roles that see it); the API's roles for the same data.
NAV = (
    ("/pengiriman", "siki.nav.pengiriman", ("deliveries",)),
    ("/surat-mati", "siki.nav.surat_mati", ("deliveries",)),
    ("/laporan-ditolak", "siki.nav.laporan_ditolak", ("deliveries",)),
    ("/register", "siki.nav.register", ("register",)),
    ("/lsp", "siki.nav.lsp", ("registry", "deliveries")),
)


class RoleRefused(Exception):
    """The operator is signed in but lacks every role the page needs: a 403 page."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        super().__init__(", ".join(roles))
        self.roles = roles


def ui_of(request: Request) -> WebUI:
    ui: WebUI = request.app.state.web_ui
    return ui


def siki_of(request: Request) -> SikiContext:
    siki: SikiContext = request.app.state.siki_context
    return siki


def operators_of(request: Request) -> Operators:
    operators: Operators = request.app.state.operators
    return operators


async def signed_in(request: Request, *roles: str) -> OperatorPrincipal:
    """The operator the session cookie names, holding one of ``roles`` (admin holds them all);
    the login page without a valid session, :class:`RoleRefused` without the role."""
    token = ui_of(request).token(request)
    if not token:
        raise LoginRequired()
    try:
        operator = await operators_of(request).authenticate(token, client=client_of(request))
    except Unauthenticated:
        raise LoginRequired() from None
    if roles and not any(operator.has(r) for r in roles):
        raise RoleRefused(roles)
    return operator


def actor(operator: OperatorPrincipal, request: Request) -> Actor:
    """How the audit log names the operator (as the API's ``Caller.actor``)."""
    return Actor(operator.actor, client_of(request))


def nav_for(operator: OperatorPrincipal | None) -> list[tuple[str, str]]:
    if operator is None:
        return []
    return [(path, key) for path, key, roles in NAV if any(operator.has(r) for r in roles)]


def render(request: Request, template: str, operator: OperatorPrincipal | None, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    return ui_of(request).render(request, template, status_code=status_code, operator=operator,
                                 nav=nav_for(operator), current=request.url.path, **context)


def web_secret(settings: SikiSettings) -> str:
    """The pages' CSRF/flash key: derived from the operator token secret (production refuses a
    weak one), never equal to it."""
    return hmac.new(settings.operator_secret().encode(), b"siki-web-ui", hashlib.sha256).hexdigest()


def safe_next(value: object, default: str) -> str:
    """A local path to go back to after a POST (never another site)."""
    text = str(value or "")
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else default
