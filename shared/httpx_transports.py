"""httpx's side of :class:`shared.service_client.ServiceClient`: its TLS context, its transports
and the mapping of aiohttp's errors onto httpx's.

Imported when a client first needs httpx (its first call), not when a service starts: with the
aiohttp backend a service that has not called out yet holds neither httpx nor aiohttp (httpx is
1.3 MiB of idle RSS beside what a service imports anyway, issue 17).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator
from typing import Any

import httpx

from shared.first_use import import_in_thread


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


def as_httpx_error(exc: BaseException, aiohttp: Any, request: httpx.Request | None = None) -> httpx.TransportError:
    """aiohttp's error as the httpx error httpx's own transport would have raised."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(text, request=request)
    if isinstance(exc, TimeoutError):  # aiohttp's socket read timeout is one too
        return httpx.ReadTimeout(text, request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(text, request=request)
    return httpx.RemoteProtocolError(text, request=request)


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
            raise as_httpx_error(exc, self._aiohttp, self._request) from exc

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise as_httpx_error(exc, self._aiohttp, self._request) from exc


class AiohttpOnFirstCall(httpx.AsyncBaseTransport):
    """httpx's client on aiohttp, through the ``httpx_aiohttp`` adapter (see
    shared/aiohttp_backend.py), for what needs httpx's client (a body read as a stream, multipart
    forms, request extensions): the aiohttp errors the adapter leaves unmapped (an answer that is
    not HTTP raises ``aiohttp.ClientResponseError``) become httpx's."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._transport: httpx.AsyncBaseTransport | None = None
        self._aiohttp: Any = None
        self._lock = asyncio.Lock()

    async def _built(self) -> httpx.AsyncBaseTransport:
        async with self._lock:
            if self._transport is None:
                self._aiohttp = await import_in_thread("aiohttp")
                module = await import_in_thread("httpx_aiohttp")
                self._transport = module.AiohttpTransport(limits=self._limits)
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._transport or await self._built()
        try:
            response = await transport.handle_async_request(request)
        except self._aiohttp.ClientError as exc:
            raise as_httpx_error(exc, self._aiohttp, request) from exc
        response.stream = _HttpxErrorsOnly(response.stream, self._aiohttp, request)
        return response

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
