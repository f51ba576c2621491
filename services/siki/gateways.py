"""SIKI's HTTP gateway to the LSPs: the POST of a signed webhook, on the chain's service client
(its transport choice, httpx or aiohttp, its timeout, its correlation id), without retries:
the bus retries a failed attempt with backoff."""

from __future__ import annotations

import time

import aiohttp
import httpx

from services.siki.usecases.deliveries import SendResult
from shared.service_client import ServiceCallError, ServiceClient

EXCERPT_CHARS = 500
# What a failed attempt may raise: httpx's errors (the client wraps its transport errors in
# ServiceCallError), and with the aiohttp backend the few of aiohttp's that its transport does
# not map to httpx's.
_HTTP_ERRORS: tuple[type[Exception], ...] = (ServiceCallError, httpx.HTTPError, aiohttp.ClientError, TimeoutError)


class WebhookSender:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client  # no base URL and no credentials: each LSP has its URL, the body is signed

    async def post(self, url: str, body: str, headers: dict[str, str]) -> SendResult:
        started = time.monotonic()
        status_code: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            resp = await self.client.request("POST", url, content=body.encode(), headers=headers)
            status_code, excerpt = resp.status_code, resp.text[:EXCERPT_CHARS]
        except _HTTP_ERRORS as exc:
            cause = exc.__cause__ if isinstance(exc, ServiceCallError) and exc.__cause__ is not None else exc
            error = f"{type(cause).__name__}: {cause}"[:EXCERPT_CHARS]
        elapsed_ms = int((time.monotonic() - started) * 1000)
        ok = status_code is not None and 200 <= status_code < 300
        if not ok and error is None:
            error = f"HTTP {status_code}"
        return SendResult(ok, status_code, excerpt, error, elapsed_ms)
