"""The ``aiohttp`` backend of :class:`shared.service_client.ServiceClient` (``SKK_HTTP_BACKEND``).

Two ways onto aiohttp's client, both importing aiohttp when the first call goes out rather than
when the service starts (7 MiB of idle RSS a service that never calls out, or not yet, does not
carry; the import runs in a thread so the first call does not hold the event loop for it):

- :class:`AiohttpRequests`: the calls between services (a JSON or bytes body, a whole answer).
  aiohttp's session directly, the answer handed back as an :class:`httpx.Response`: httpx's
  client on top of aiohttp (request building, auth and redirect handling, the adapter's
  conversion both ways) cost as much CPU as aiohttp's own call, on every hop of the chain;
- :class:`AiohttpOnFirstCall`: an httpx transport, for what needs httpx's client (a body read
  as a stream, multipart forms, request extensions).

Callers see httpx's errors only, as with httpx's own transport: aiohttp's timeouts become
:class:`httpx.TimeoutException`, a refused connection :class:`httpx.ConnectError`, and any other
aiohttp error (an answer that is not HTTP, a body cut short) :class:`httpx.RemoteProtocolError`.
"""

from __future__ import annotations

import asyncio
import importlib
import json as jsonlib
from collections.abc import AsyncIterator
from typing import Any

import httpx


async def _import_aiohttp() -> Any:
    await asyncio.to_thread(importlib.import_module, "aiohttp")
    return importlib.import_module("aiohttp")


def _as_httpx_error(exc: BaseException, aiohttp: Any, request: httpx.Request | None = None) -> httpx.TransportError:
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(text, request=request)
    if isinstance(exc, TimeoutError):  # aiohttp's socket read timeout is one too
        return httpx.ReadTimeout(text, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(text, request=request)
    return httpx.RemoteProtocolError(text, request=request)


class AiohttpRequests:
    """Whole requests on one aiohttp session, answered as :class:`httpx.Response` (see module).
    Each phase (connecting, each read) is bounded by ``timeout``, as ``httpx.Timeout(timeout)``;
    redirects are not followed, as httpx's client does not by default."""

    def __init__(self, base_url: str, *, timeout: float, max_connections: int) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._max_connections = max_connections
        self._aiohttp: Any = None
        self._session: Any = None
        self._lock = asyncio.Lock()

    async def _opened(self) -> Any:
        async with self._lock:
            if self._session is None:
                aiohttp = await _import_aiohttp()
                t = self._timeout
                self._session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=self._max_connections),
                    timeout=aiohttp.ClientTimeout(total=None, connect=t, sock_connect=t, sock_read=t),
                    # The body as sent: httpx.Response decodes it by its Content-Encoding.
                    auto_decompress=False,
                )
                self._aiohttp = aiohttp
        return self._session

    async def request(self, method: str, path: str, *, headers: dict[str, str], json: Any = None,
                      content: bytes | None = None, params: dict[str, Any] | None = None) -> httpx.Response:
        session = self._session or await self._opened()
        url = path if "://" in path else self.base_url + path
        if params:
            url += ("&" if "?" in url else "?") + str(httpx.QueryParams(params))
        if json is not None:
            # The bytes httpx would send for this body (its encoder's settings).
            content = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            headers = {**headers, "Content-Type": "application/json"}
        try:
            async with session.request(method, url, data=content, headers=headers, allow_redirects=False) as r:
                body = await r.read()
                return httpx.Response(r.status, headers=r.raw_headers, content=body)
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise _as_httpx_error(exc, self._aiohttp) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class _HttpxErrorsOnly(httpx.AsyncByteStream):
    """A response body whose reading raises httpx's errors only (see :class:`AiohttpOnFirstCall`)."""

    def __init__(self, stream: Any, aiohttp: Any, request: httpx.Request) -> None:
        self._stream = stream
        self._aiohttp = aiohttp
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise _as_httpx_error(exc, self._aiohttp, self._request) from exc

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise _as_httpx_error(exc, self._aiohttp, self._request) from exc


class AiohttpOnFirstCall(httpx.AsyncBaseTransport):
    """httpx's client on aiohttp, through the ``httpx_aiohttp`` adapter (see module): the
    aiohttp errors the adapter leaves unmapped (an answer that is not HTTP raises
    ``aiohttp.ClientResponseError``) become httpx's."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._transport: httpx.AsyncBaseTransport | None = None
        self._aiohttp: Any = None
        self._lock = asyncio.Lock()

    async def _built(self) -> httpx.AsyncBaseTransport:
        async with self._lock:
            if self._transport is None:
                self._aiohttp = await _import_aiohttp()
                module = await asyncio.to_thread(importlib.import_module, "httpx_aiohttp")
                self._transport = module.AiohttpTransport(limits=self._limits)
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transport or await self._built()
        try:
            response = await transport.handle_async_request(request)
        except self._aiohttp.ClientError as exc:
            raise _as_httpx_error(exc, self._aiohttp, request) from exc
        response.stream = _HttpxErrorsOnly(response.stream, self._aiohttp, request)
        return response

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
