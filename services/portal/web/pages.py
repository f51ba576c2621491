"""What the applicant's pages share: the portal's web UI and context, the signed-in applicant
(authorised exactly as the API authorises the same bearer token), and error pages."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt
from fastapi import Request
from fastapi.responses import Response

from services.portal.api.deps import PortalContext, current_user
from services.portal.security import ALGORITHM, mint_access_token, read_access_claims
from services.portal.usecases import PortalUseCases
from services.portal.web.account_messages import translated
from shared.exceptions import Unauthenticated
from shared.throttle import client_of
from shared.web import LoginRequired, WebUI, problem_errors


@dataclass
class Page:
    request: Request
    ui: WebUI
    portal: PortalContext

    @property
    def uc(self) -> PortalUseCases:
        return self.portal.usecases

    @property
    def client(self) -> str:
        return client_of(self.request)

    def t(self, key: str, /, **fields: Any) -> str:
        return self.ui.t(key, **fields)

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        return self.ui.render(self.request, template, status_code=status_code, **context)

    def errors(self, problem: object) -> dict[str, str]:
        """The problem's errors by field, in Bahasa Indonesia."""
        return translated(problem_errors(problem), self.t)

    def not_found(self) -> Response:
        return self.render("error.html", status_code=404, title=self.t("galat.tidak_ditemukan_judul"),
                           message=self.t("galat.tidak_ditemukan"))


def page(request: Request) -> Page:
    return Page(request, request.app.state.web_ui, request.app.state.portal)


async def applicant(request: Request) -> tuple[Page, str]:
    """The page and the signed-in applicant's id; else :class:`LoginRequired` (to the login page)."""
    p = page(request)
    token = p.ui.token(request)
    if not token:
        raise LoginRequired()
    try:
        user = await current_user(token, p.portal)
    except Unauthenticated as exc:
        raise LoginRequired() from exc
    _renew_when_half_spent(p, token)
    return p, user.id


def _renew_when_half_spent(p: Page, token: str) -> None:
    """A session in use stays alive: once half the bearer token's lifetime is spent, the page sets a
    fresh one (same user, same token version, so a logout or password change still ends it)."""
    settings = p.portal.settings
    secret = settings.jwt_secret.get_secret_value()
    claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_exp": False, "verify_iss": False})
    ttl = settings.access_token_ttl_seconds
    if int(claims.get("exp", 0)) - time.time() >= ttl / 2:
        return
    user_id, version = read_access_claims(token, secret=secret)
    p.ui.renew(p.request, mint_access_token(user_id, secret=secret, ttl_seconds=ttl, version=version), ttl)
