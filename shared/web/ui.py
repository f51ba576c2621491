"""One service's pages: Jinja2 templates (the service's own first, then the shared layout and
macros), the message catalogue, the session cookie holding the bearer token the service's API
would issue, CSRF tokens, and flash messages carried to the next page."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData

from shared.web import formats
from shared.web.catalogue import SHARED_MESSAGES, Catalogue
from shared.web.csrf import (
    CSRF_FIELD,
    CookieNames,
    CsrfRefused,
    new_anonymous_key,
    token_for,
    token_matches,
)

if TYPE_CHECKING:
    from jinja2 import Environment

SHARED_TEMPLATES = Path(__file__).parent / "templates"
SHARED_STATIC = Path(__file__).parent / "static"
SESSION_MAX_AGE = 12 * 3600
CSRF_MAX_AGE = 30 * 24 * 3600


class LoginRequired(Exception):
    """A page that needs a signed-in user was asked for without one: redirected to the login page."""


class WebUI:
    """The pages of one service. ``templates_dir`` is the service's ``web/templates``; its
    ``web/messages/id.json`` (the sibling ``messages`` directory) is looked in before the shared
    catalogue."""

    def __init__(self, service: str, templates_dir: Path, *, secret: str, secure_cookies: bool,
                 login_url: str = "/masuk", messages_dir: Path | None = None,
                 instance: str | None = None) -> None:
        self.service = service
        self.cookies = CookieNames(service, instance, secure=secure_cookies)
        self.secret = secret
        self.secure_cookies = secure_cookies
        self.login_url = login_url
        templates_dir = Path(templates_dir)
        self.catalogue = Catalogue([messages_dir or templates_dir.parent / "messages", SHARED_MESSAGES])
        self.templates_dir = templates_dir
        # The templates' filters; a service adds its own here before the first page.
        self.filters: dict[str, Callable[..., Any]] = {
            "tanggal": formats.tanggal, "waktu": formats.waktu, "rupiah": formats.rupiah}

    @functools.cached_property
    def env(self) -> Environment:
        """Built for the first page, not at start-up: jinja2 is 1 MiB of idle RSS (issue 17)."""
        from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

        env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(self.templates_dir)), FileSystemLoader(str(SHARED_TEMPLATES))]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        env.globals["t"] = self.t
        env.filters.update(self.filters)
        return env

    # -- text ---------------------------------------------------------------------------------
    def t(self, key: str, /, **fields: Any) -> str:
        return self.catalogue.t(key, **fields)

    # -- pages --------------------------------------------------------------------------------
    def install(self, app: FastAPI, static_dir: Path | None = None) -> None:
        """Mounts ``/static`` (the shared CSS/JS) and, when given, the service's own ``static_dir``
        at ``/static/<service>``; answers :class:`CsrfRefused` with a 403 page and
        :class:`LoginRequired` with a redirect to the login page."""
        if static_dir is not None:
            app.mount(f"/static/{self.service}", StaticFiles(directory=str(static_dir)), name=f"static-{self.service}")
        app.mount("/static", StaticFiles(directory=str(SHARED_STATIC)), name="static")

        async def _csrf(request: Request, exc: Exception) -> Response:
            return self.render(request, "error.html", status_code=403, title=self.t("galat.csrf_judul"),
                               message=self.t("galat.csrf"))

        async def _login(request: Request, exc: Exception) -> Response:
            response = self.redirect(self.login_url)
            if self.token(request):  # a session that no longer holds (expired, logged out elsewhere)
                response.delete_cookie(self.cookies.session, path="/", httponly=True, samesite="lax",
                                       secure=self.secure_cookies)
            return response

        app.add_exception_handler(CsrfRefused, _csrf)
        app.add_exception_handler(LoginRequired, _login)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The page ``template`` with ``context``; also given: ``request``, ``service``,
        ``csrf_token`` (the value), ``flashes`` (list of {"kind", "message"}), ``errors`` ({} unless
        given), ``signed_in`` (a session cookie is present)."""
        flashes = self._read_flashes(request)
        values: dict[str, Any] = {
            "errors": {}, "form": {}, "signed_in": self.token(request) is not None,
            **context,
            "request": request, "service": self.service, "csrf_token": self.csrf_token(request),
            "flashes": flashes,
        }
        html = self.env.get_template(template).render(values)
        response = HTMLResponse(html, status_code=status_code)
        self._keep_browser_key(request, response)
        renewed = getattr(request.state, "skk_session_new", None)
        if renewed is not None:
            self._set_cookie(response, self.cookies.session, renewed[0], renewed[1])
        if flashes or self.cookies.flash in request.cookies:
            response.delete_cookie(self.cookies.flash, path="/", secure=self.secure_cookies)
        return response

    @staticmethod
    def redirect(url: str) -> RedirectResponse:
        """POST-redirect-GET: a 303 to ``url``."""
        return RedirectResponse(url, status_code=303)

    # -- sessions -----------------------------------------------------------------------------
    def _set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                            secure=self.secure_cookies)

    def login_response(self, url: str, token: str, *, max_age: int = SESSION_MAX_AGE) -> RedirectResponse:
        """A 303 to ``url`` setting the session cookie to the API bearer ``token``."""
        response = self.redirect(url)
        self._set_cookie(response, self.cookies.session, token, max_age)
        return response

    def token(self, request: Request) -> str | None:
        return request.cookies.get(self.cookies.session) or None

    @staticmethod
    def renew(request: Request, token: str, max_age: int = SESSION_MAX_AGE) -> None:
        """A fresh bearer token for this session: the page rendered for this request sets it."""
        request.state.skk_session_new = (token, max_age)

    def logout_response(self, url: str) -> RedirectResponse:
        response = self.redirect(url)
        response.delete_cookie(self.cookies.session, path="/", httponly=True, samesite="lax",
                               secure=self.secure_cookies)
        return response

    # -- CSRF ---------------------------------------------------------------------------------
    # The token is an HMAC of a random per-browser key (the HttpOnly CSRF cookie), not of the
    # session: a session renewed while a form is open (see :meth:`renew`) keeps its token valid.
    def _browser_key(self, request: Request) -> str:
        key = request.cookies.get(self.cookies.csrf) or getattr(request.state, "skk_csrf_new", None)
        if not key:
            key = new_anonymous_key()
            request.state.skk_csrf_new = key
        return str(key)

    def _keep_browser_key(self, request: Request, response: Response) -> None:
        new = getattr(request.state, "skk_csrf_new", None)
        if new and not request.cookies.get(self.cookies.csrf):
            self._set_cookie(response, self.cookies.csrf, new, max_age=CSRF_MAX_AGE)

    def csrf_token(self, request: Request) -> str:
        return token_for(self.secret, self._browser_key(request))

    async def check_csrf(self, request: Request) -> FormData:
        """The posted form, once its ``csrf_token`` matches; else :class:`CsrfRefused` (a 403 page)."""
        form = await request.form()
        given = form.get(CSRF_FIELD)
        basis = request.cookies.get(self.cookies.csrf)
        if not token_matches(self.secret, basis, given if isinstance(given, str) else None):
            raise CsrfRefused()
        return form

    # -- flash messages -----------------------------------------------------------------------
    def _sign(self, payload: str) -> str:
        return hmac.new(self.secret.encode(), f"flash:{payload}".encode(), hashlib.sha256).hexdigest()[:32]

    def flash(self, response: Response, message: str, kind: str = "info") -> Response:
        """Adds a message (kind: info, success, warning, error) for the next page shown."""
        pending: list[dict[str, str]] = list(getattr(response, "_skk_flashes", []))
        pending.append({"kind": kind, "message": message})
        response._skk_flashes = pending  # type: ignore[attr-defined]
        payload = base64.urlsafe_b64encode(json.dumps(pending).encode()).decode()
        self._set_cookie(response, self.cookies.flash, f"{payload}.{self._sign(payload)}", max_age=300)
        return response

    def _read_flashes(self, request: Request) -> list[dict[str, str]]:
        raw = request.cookies.get(self.cookies.flash, "")
        payload, _, signature = raw.rpartition(".")
        if not payload or not hmac.compare_digest(self._sign(payload), signature):
            return []
        try:
            items = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return []
        return [{"kind": str(i.get("kind", "info")), "message": str(i.get("message", ""))}
                for i in items if isinstance(i, dict)]
