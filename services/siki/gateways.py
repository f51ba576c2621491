"""SIKI's HTTP gateway to the LSPs: the POST of a signed webhook, on the chain's service client
(its transport choice, httpx or aiohttp, its timeout, its correlation id), without retries (the
bus retries a failed attempt with backoff) and without following redirects; and the resolver
the webhook URL rule (domain/webhook_urls.py) looks names up with."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter

from services.siki.usecases.deliveries import SendResult
from shared.first_use import import_in_thread
from shared.service_client import ServiceCallError, ServiceClient

if TYPE_CHECKING:
    import httpx

# The delivery log keeps the status code and at most this much of the answer, as text.
EXCERPT_CHARS = 200
ERROR_CHARS = 300
RESOLVE_TIMEOUT_SECONDS = 5.0


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, with the event loop's getaddrinfo; empty when it does
    not resolve (or not in time)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM),
                                       RESOLVE_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, UnicodeError):  # a host IDNA cannot encode resolves to nothing
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def excerpt_of(head: bytes, truncated: bool) -> str | None:
    """At most :data:`EXCERPT_CHARS` characters of an answer's start, or None when it is not
    text (binary is never kept)."""
    if not head:
        return None
    text = head.decode("utf-8", errors="replace")
    if truncated:
        text = text.rstrip("\ufffd")  # a character cut in two at the end
    if "\ufffd" in text or any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None
    if truncated or len(text) > EXCERPT_CHARS:
        return text[:EXCERPT_CHARS - 1] + "…"
    return text


def _pinned(hx: Any, url: str, headers: dict[str, str],
            address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """Connect to an address the URL rule just checked rather than let the client resolve the
    name again (its DNS answer may change in between): the URL names the address; ``Host``
    and the TLS server name (SNI and certificate check) stay the host's. Such a connection is
    not kept for another request (the pool knows it by address, not by server name)."""
    parsed = hx.URL(url)
    if address is None or parsed.host == address:
        return url, headers, {}
    pinned = str(parsed.copy_with(host=address))
    headers = {**headers, "host": parsed.netloc.decode("ascii")}
    if parsed.scheme != "https":
        return pinned, headers, {}
    return pinned, {**headers, "connection": "close"}, {"sni_hostname": parsed.raw_host.decode("ascii")}


class WebhookSender:
    def __init__(self, client: ServiceClient, registry: CollectorRegistry | None = None) -> None:
        self.client = client  # no base URL and no credentials: each LSP has its URL, the body is signed
        # On the runtime's registry, so /metrics shows it (None: counted, not exported).
        self.failures = Counter("webhook_delivery_failures", "Failed webhook delivery attempts, by LSP", ["lsp"],
                                registry=registry)

    def attempt_failed(self, lsp_code: str) -> None:
        self.failures.labels(lsp_code).inc()

    async def post(self, url: str, body: str, headers: dict[str, str], addresses: Sequence[str] = ()) -> SendResult:
        """POST once (to each checked address in turn while the connection is refused)."""
        # httpx is imported by the first webhook SIKI sends, not when it starts (issue 17).
        hx: Any = await import_in_thread("httpx")
        # What a failed attempt may raise: httpx's errors (the client wraps its transport errors
        # in ServiceCallError; its aiohttp backend raises httpx's errors too).
        http_errors: tuple[type[Exception], ...] = (ServiceCallError, hx.HTTPError, TimeoutError)
        started = time.monotonic()
        status_code: int | None = None
        excerpt: str | None = None
        error: str | None = None
        candidates: list[str | None] = [*addresses] or [None]
        for address in candidates:
            target, sent_headers, extensions = _pinned(hx, url, headers, address)
            try:
                async with self.client.stream("POST", target, content=body.encode(), headers=sent_headers,
                                              extensions=extensions) as resp:
                    status_code = resp.status_code
                    head, truncated = await _read_head(resp)
                    excerpt = excerpt_of(head, truncated)
                error = None
                break
            except (hx.ConnectError, hx.ConnectTimeout) as exc:  # nothing sent: the next address
                error = f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]
            except http_errors as exc:
                cause = exc.__cause__ if isinstance(exc, ServiceCallError) and exc.__cause__ is not None else exc
                error = f"{type(cause).__name__}: {cause}"[:ERROR_CHARS]
                break
        elapsed_ms = int((time.monotonic() - started) * 1000)
        ok = status_code is not None and 200 <= status_code < 300
        if not ok and error is None:
            error = (f"HTTP {status_code}: redirects are not followed" if status_code is not None
                     and 300 <= status_code < 400 else f"HTTP {status_code}")
        return SendResult(ok, status_code, excerpt, error, elapsed_ms)


async def _read_head(resp: httpx.Response) -> tuple[bytes, bool]:
    """The first bytes of the answer (enough for the excerpt); the rest is never read."""
    limit = EXCERPT_CHARS * 4 + 4  # UTF-8: at most 4 bytes a character
    head = b""
    async for chunk in resp.aiter_bytes():
        head += chunk
        if len(head) > limit:
            return head[:limit], True
    return head, False
