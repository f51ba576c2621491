"""The ``aiohttp`` backend of :class:`shared.service_client.ServiceClient` (``SKK_HTTP_BACKEND``).

Two ways onto aiohttp's client, both importing aiohttp (and httpx) when the first call goes out
rather than when the service starts (7 MiB of idle RSS a service that never calls out, or not
yet, does not carry, and httpx's 1.3; the imports run in a thread so the first call does not
hold the event loop for them):

- :class:`AiohttpRequests`: the calls between services (a JSON or bytes body, a whole answer).
  aiohttp's session directly, the answer handed back as an :class:`httpx.Response`: httpx's
  client on top of aiohttp (request building, auth and redirect handling, the adapter's
  conversion both ways) cost as much CPU as aiohttp's own call, on every hop of the chain;
- :class:`shared.httpx_transports.AiohttpOnFirstCall`: an httpx transport, for what needs httpx's
  client (a body read as a stream, multipart forms, request extensions).

Callers see httpx's errors only, as with httpx's own transport: aiohttp's timeouts become
:class:`httpx.TimeoutException`, a refused connection :class:`httpx.ConnectError`, and any other
aiohttp error (an answer that is not HTTP, a body cut short) :class:`httpx.RemoteProtocolError`.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import TYPE_CHECKING, Any

from shared.first_use import import_in_thread

if TYPE_CHECKING:
    import httpx


class AiohttpRequests:
    """Whole requests on one aiohttp session, answered as :class:`httpx.Response` (see module).
    Each phase (connecting, each read) is bounded by ``timeout``, as ``httpx.Timeout(timeout)``;
    redirects are not followed, as httpx's client does not by default."""

    def __init__(self, base_url: str, *, timeout: float, max_connections: int) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._max_connections = max_connections
        self._aiohttp: Any = None
        self._httpx: Any = None
        self._transports: Any = None
        self._session: Any = None
        self._lock = asyncio.Lock()

    async def _opened(self) -> Any:
        async with self._lock:
            if self._session is None:
                self._httpx = await import_in_thread("httpx")
                self._transports = await import_in_thread("shared.httpx_transports")
                aiohttp = await import_in_thread("aiohttp")
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
            url += ("&" if "?" in url else "?") + str(self._httpx.QueryParams(params))
        if json is not None:
            # The bytes httpx would send for this body (its encoder's settings).
            content = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            headers = {**headers, "Content-Type": "application/json"}
        try:
            async with session.request(method, url, data=content, headers=headers, allow_redirects=False) as r:
                body = await r.read()
                response: httpx.Response = self._httpx.Response(r.status, headers=r.raw_headers, content=body)
                return response
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise self._transports.as_httpx_error(exc, self._aiohttp) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
