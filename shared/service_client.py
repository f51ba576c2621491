"""Calls from one service to another over HTTP.

Authenticated (a bearer token from ``auth``), bounded by timeouts, carrying the correlation id,
and retried with exponential backoff only where a retry cannot do a thing twice: safe methods,
or a call that carries an idempotency key the callee honours.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json as jsonlib
import random
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from shared.aiohttp_backend import AiohttpRequests
from shared.first_use import import_in_thread
from shared.logging import get_correlation_id, get_logger

if TYPE_CHECKING:
    import httpx

log = get_logger(__name__)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUS = frozenset({502, 503, 504})


class ServiceCallError(Exception):
    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def _transport_errors() -> tuple[type[Exception], ...]:
    """What a failed attempt raises: httpx's transport errors and timeouts (whichever backend).
    Looked up when an attempt fails, by then httpx is imported (see :meth:`ServiceClient._send`)."""
    import httpx

    return (httpx.TransportError, httpx.TimeoutException)


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
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._transport = transport
        self._on_aiohttp = transport is None and backend == "aiohttp"
        # With the aiohttp backend, whole requests skip httpx's client (shared/aiohttp_backend.py);
        # a transport given (a test's) and the streamed or multipart calls go through httpx's,
        # built with httpx imported at the first such call, not when the service starts.
        self._direct: AiohttpRequests | None = None
        if self._on_aiohttp:
            self._direct = AiohttpRequests(base_url, timeout=timeout, max_connections=100)
        self._client: httpx.AsyncClient | None = None

    async def _httpx_client(self) -> httpx.AsyncClient:
        """httpx's client, built at the first call that goes through it."""
        if self._client is None:
            hx: Any = await import_in_thread("httpx")
            transports: Any = await import_in_thread("shared.httpx_transports")
            if self._client is None:  # not built by another call while this one waited
                limits = hx.Limits(max_connections=100, max_keepalive_connections=50)
                transport = self._transport
                if transport is None:
                    built_on = transports.AiohttpOnFirstCall if self._on_aiohttp else transports.PoolPerScheme
                    transport = built_on(limits)
                self._client = hx.AsyncClient(base_url=self._base_url, timeout=hx.Timeout(self._timeout),
                                              transport=transport, limits=limits)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._direct is not None:
            await self._direct.aclose()

    async def _send(self, method: str, path: str, headers: dict[str, str], *, json: Any, params: Any,
                    content: bytes | None, files: Any, data: Any) -> httpx.Response:
        if self._direct is not None and files is None and data is None:
            return await self._direct.request(method, path, headers=headers, json=json, content=content,
                                              params=params)
        client = self._client or await self._httpx_client()
        return await client.request(method, path, json=json, params=params, content=content, files=files, data=data,
                                    headers=headers)

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
            except _transport_errors() as exc:
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
        client = self._client or await self._httpx_client()
        async with client.stream(method.upper(), url, content=content, headers=self._headers(headers, None),
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
