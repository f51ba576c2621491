"""Calls from one service to another over HTTP.

Authenticated (a bearer token from ``auth``), bounded by timeouts, carrying the correlation id,
and retried with exponential backoff only where a retry cannot do a thing twice: safe methods,
or a call that carries an idempotency key the callee honours.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json as jsonlib
import random
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from shared.aiohttp_backend import AiohttpOnFirstCall, AiohttpRequests
from shared.logging import get_correlation_id, get_logger

log = get_logger(__name__)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUS = frozenset({502, 503, 504})


class ServiceCallError(Exception):
    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's one verifying TLS context (httpx's defaults: certifi, or ``SSL_CERT_FILE``),
    shared by every client: httpx would load the CA bundle into a new context for each client,
    about 0.9 MiB of each service's resident memory per client before it ever calls out."""
    return httpx.create_ssl_context()


@functools.cache
def _no_tls_context() -> ssl.SSLContext:
    """What the plain-HTTP pool is built with (httpx builds every pool with a context). Only
    ``http://`` requests reach that pool, so it is never used; were it ever, it trusts no
    certificate at all and every handshake fails."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class PoolPerScheme(httpx.AsyncBaseTransport):
    """httpx's own transport, one connection pool per scheme, each built at its first request:
    ``https://`` with :func:`tls_context`, ``http://`` without loading any CA bundle.

    The services call each other over plain HTTP inside their network (deploy/), so most
    processes never verify a certificate; building httpx's transport at start-up loaded the CA
    bundle anyway (the portal's ``create_app`` with this backend: 4.6 MiB of RSS before, 2.2
    after, 2026-12-07). SIKI's webhook deliveries (``https://`` LSP URLs) get the verifying pool
    when the first one goes out. Each pool has the client's limits."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}

    def _pool(self, scheme: str) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(scheme)
        if pool is None:
            verify = tls_context() if scheme == "https" else _no_tls_context()
            pool = self._pools[scheme] = httpx.AsyncHTTPTransport(verify=verify, limits=self._limits)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url.scheme).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()


class ServiceClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth: Callable[[], str | None] | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff_seconds: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
        name: str = "service",
        backend: str = "httpx",
    ) -> None:
        self.name = name
        self.auth = auth
        self.retries = retries
        self.backoff = backoff_seconds
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        # With the aiohttp backend, whole requests skip httpx's client (shared/aiohttp_backend.py);
        # a transport given (a test's) and the streamed or multipart calls go through httpx's.
        self._direct: AiohttpRequests | None = None
        if transport is None and backend == "aiohttp":
            transport = AiohttpOnFirstCall(limits)
            self._direct = AiohttpRequests(base_url, timeout=timeout, max_connections=100)
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            transport=transport if transport is not None else PoolPerScheme(limits),
            limits=limits,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._direct is not None:
            await self._direct.aclose()

    async def _send(self, method: str, path: str, headers: dict[str, str], *, json: Any, params: Any,
                    content: bytes | None, files: Any, data: Any) -> httpx.Response:
        if self._direct is not None and files is None and data is None:
            return await self._direct.request(method, path, headers=headers, json=json, content=content,
                                              params=params)
        return await self._client.request(method, path, json=json, params=params, content=content, files=files,
                                          data=data, headers=headers)

    def _headers(self, extra: dict[str, str] | None, idempotency_key: str | None) -> dict[str, str]:
        headers = {"X-Correlation-ID": get_correlation_id()}
        if self.auth is not None:
            token = self.auth()
            if token:
                headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        if extra:
            headers.update(extra)
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        idempotency_key: str | None = None,
        content: bytes | None = None,
        files: Any = None,
        data: Any = None,
    ) -> httpx.Response:
        method = method.upper()
        if idempotency_key is not None:
            idempotency_key = _keyed_to_body(idempotency_key, json, content)
        retryable = method in _SAFE_METHODS or idempotency_key is not None
        attempts = self.retries + 1 if retryable else 1
        last_exc: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                resp = await self._send(method, path, self._headers(headers, idempotency_key), json=json,
                                        params=params, content=content, files=files, data=data)
                if idempotency_key is not None and _still_in_flight(resp):
                    # The same keyed request is still running at the callee (or its process died
                    # and the claim has not yet expired): not an answer; wait and ask again, and
                    # if it outlasts the retries, fail as unreachable so the caller tries later.
                    last_exc = ServiceCallError(f"{self.name}: the keyed request is still in flight",
                                                status=resp.status_code)
                    if attempt >= attempts:
                        break
                elif resp.status_code in _RETRY_STATUS and attempt < attempts:
                    last_exc = ServiceCallError(f"{self.name} answered {resp.status_code}", status=resp.status_code)
                else:
                    return resp
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                last_exc = exc
                if attempt >= attempts:
                    break
            delay = self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())  # noqa: S311
            log.info("service call failed, retrying", target=self.name, path=path, attempt=attempt,
                     retry_in=round(delay, 3), error=repr(last_exc))
            await asyncio.sleep(delay)
        raise ServiceCallError(f"{self.name} unreachable: {last_exc!r}") from last_exc

    @contextlib.asynccontextmanager
    async def stream(self, method: str, url: str, *, content: bytes | None = None,
                     headers: dict[str, str] | None = None,
                     extensions: dict[str, Any] | None = None) -> AsyncIterator[httpx.Response]:
        """One request, neither retried nor redirected, whose body the caller reads only as far as
        it wants (SIKI keeps the start of an LSP's answer to a webhook, never all of it)."""
        async with self._client.stream(method.upper(), url, content=content, headers=self._headers(headers, None),
                                       extensions=extensions, follow_redirects=False) as resp:
            yield resp

    async def call_json(self, method: str, path: str, **kw: Any) -> Any:
        """Request and return the JSON body; a non-2xx answer raises :class:`ServiceCallError`."""
        resp = await self.request(method, path, **kw)
        if resp.status_code >= 400:
            try:
                body = resp.json()
            except ValueError:
                body = resp.text
            raise ServiceCallError(f"{self.name} answered {resp.status_code}", status=resp.status_code, body=body)
        if not resp.content:
            return None
        return resp.json()


def _keyed_to_body(key: str, json_body: Any, content: bytes | None) -> str:
    """The caller's logical key (``<application>:proof:<n>``, a report id) with a digest of the
    exact body. The callee replays a retry of this very request; a use case that runs again after
    a crash builds its body anew (a new timestamp, a new document id) and so sends a new key,
    which the callee's natural key (proof number, submission number, report id) then takes once,
    instead of refusing it as "the same key with another body"."""
    if json_body is not None:
        raw = jsonlib.dumps(json_body, sort_keys=True, separators=(",", ":"), default=str).encode()
    elif content is not None:
        raw = content
    else:
        return key
    return f"{key}.{hashlib.sha256(raw).hexdigest()[:16]}"


def _still_in_flight(resp: httpx.Response) -> bool:
    """The callee's 409 for a keyed request it is still processing (shared/idempotency.py), as
    opposed to a 409 that is the rules' answer."""
    return resp.status_code == 409 and "Retry-After" in resp.headers and "Idempotency-Key" in resp.text
