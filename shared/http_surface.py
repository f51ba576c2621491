"""What every service shows the internet besides its API: security headers on every response,
no caching of answers that may carry personal data, and, in production, no API explorer and
metrics only for a scraper holding the metrics token."""

from __future__ import annotations

import hmac

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import Problem, problem_response
from shared.settings import ServiceSettings

# The web UI is served by the services themselves: scripts, styles and images from the same
# origin only, no framing, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
_ALWAYS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", CSP.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")
_EXPLORER = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")


class SecurityHeadersMiddleware:
    """Adds the security headers to every response and ``Cache-Control: no-store`` to every
    response that does not set its own caching (API answers may carry NIK, NPWP or documents)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = [*_ALWAYS, _HSTS] if hsts else list(_ALWAYS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.headers if n not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ProductionSurfaceMiddleware:
    """In production: the API explorer answers 404, and ``/metrics`` wants the metrics token
    (404 without one configured, so a scraper is an explicit choice)."""

    def __init__(self, app: ASGIApp, *, metrics_token: str | None) -> None:
        self.app = app
        self.metrics_token = metrics_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("path", "")
            refusal = self._refusal(path, scope)
            if refusal is not None:
                await problem_response(refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, path: str, scope: Scope) -> Problem | None:
        if path in _EXPLORER:
            return Problem(404, "not found")
        if path != "/metrics":
            return None
        if not self.metrics_token:
            return Problem(404, "not found")
        auth = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), self.metrics_token):
            return Problem(401, "metrics need the metrics token", headers={"WWW-Authenticate": "Bearer"})
        return None


def install_surface(app: FastAPI, settings: ServiceSettings) -> None:
    app.add_middleware(SecurityHeadersMiddleware, hsts=not settings.is_dev)
    if not settings.is_dev:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        app.add_middleware(ProductionSurfaceMiddleware, metrics_token=token)
