"""What every service shows the internet besides its API: security headers on every response,
no caching of answers that may carry personal data, request bodies capped before they are read,
and, in production, no API explorer and metrics only for a scraper holding the metrics token."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import Problem, problem_response
from shared.settings import ServiceSettings

# The web UI is served by the services themselves: scripts, styles and images from the same
# origin only, no framing, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
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
        # The usual response sets none of them: all added at once, no per-header test.
        self._names = frozenset(n for n, _ in self.headers) | {b"cache-control"}
        self._all = [*self.headers, (b"cache-control", b"no-store")]

    def _secured(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        if present.isdisjoint(self._names):
            return headers + self._all
        headers += [(n, v) for n, v in self.headers if n not in present]
        if b"cache-control" not in present:
            headers.append((b"cache-control", b"no-store"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._secured(list(message.get("headers", [])))
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


# Room for the multipart envelope around an uploaded file (boundaries, part headers, the small
# form fields sent with it); the use case still checks the file's own size exactly.
MULTIPART_ALLOWANCE = 64 * 1024


@dataclass(frozen=True)
class BodyAllowance:
    limit: int  # bytes of body, envelope included
    field: str  # what the refusal names
    message: str


class _BodyTooLarge(Exception):
    pass


def allow_uploads(app: FastAPI, max_file_bytes: int, *operation_ids: str, field: str = "file") -> None:
    """Lets the routes with these operation ids take one file of ``max_file_bytes`` (and its
    multipart envelope) instead of the service's ``max_request_bytes``."""
    allowances: dict[str, BodyAllowance] = dict(getattr(app.state, "body_allowances", {}))
    allowance = BodyAllowance(max_file_bytes + MULTIPART_ALLOWANCE, field, f"at most {max_file_bytes} bytes")
    allowances.update(dict.fromkeys(operation_ids, allowance))
    app.state.body_allowances = allowances


class BodyLimitMiddleware:
    """Refuses a request body over its route's limit with 413 before the route reads it: at once
    when ``Content-Length`` says so, else as soon as the bytes received pass the limit (a chunked
    or lying body), without reading the rest; the connection is then closed."""

    def __init__(self, app: ASGIApp, *, owner: FastAPI, default: int) -> None:
        self.app = app
        self.owner = owner
        self.default = BodyAllowance(default, "body", f"at most {default} bytes")
        self._routes: list[tuple[re.Pattern[str], set[str], BodyAllowance]] | None = None

    def _resolve(self) -> list[tuple[re.Pattern[str], set[str], BodyAllowance]]:
        # Resolved at the first request: routers are included after the runtime installs this.
        wanted: dict[str, BodyAllowance] = dict(getattr(self.owner.state, "body_allowances", {}))
        found = []
        for route in iter_route_contexts(self.owner.routes):
            operation_id = getattr(route, "operation_id", None)
            if operation_id in wanted:
                found.append((route.path_regex, set(route.methods or ()), wanted.pop(operation_id)))
        if wanted:
            raise RuntimeError(f"allow_uploads names no route: {', '.join(sorted(wanted))}")
        return found

    def allowance(self, scope: Scope) -> BodyAllowance:
        if self._routes is None:
            self._routes = self._resolve()
        path, root = scope.get("path", ""), scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        method = scope.get("method", "GET")
        for regex, methods, allowance in self._routes:
            if method in methods and regex.match(path):
                return allowance
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowance = self.allowance(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > allowance.limit:
            await _refusal(allowance)(scope, receive, send)
            return
        received = 0
        refused = started = False

        async def receive_capped() -> Message:
            nonlocal received, refused
            if refused:
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowance.limit:
                    refused = True
                    raise _BodyTooLarge
            return message

        async def send_unless_refused(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return  # whatever the app makes of the aborted read, the answer is the 413 below
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_capped, send_unless_refused)
        except _BodyTooLarge:
            pass  # the app let the aborted read through: answered below
        if refused and not started:
            await _refusal(allowance)(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length; the count still holds
    return None


def _refusal(allowance: BodyAllowance) -> ASGIApp:
    # Connection: close, so the server drops the unread rest instead of reading it to reuse the
    # connection.
    return problem_response(Problem(
        413, f"the request body is too large ({allowance.message})",
        errors=[{"field": allowance.field, "message": allowance.message}], headers={"Connection": "close"},
    ))


def install_surface(app: FastAPI, settings: ServiceSettings) -> None:
    # Innermost of the three: its 413 gets the security headers too.
    app.add_middleware(BodyLimitMiddleware, owner=app, default=settings.max_request_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=not settings.is_dev)
    if not settings.is_dev:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        app.add_middleware(ProductionSurfaceMiddleware, metrics_token=token)
