"""Retrying HTTP for the simulator and the generated clients (issue 15: a journey survives a
restart of the service it talks to).

What is retried: requests that are safe to send again — GET, HEAD, OPTIONS, PUT, DELETE, and a
POST carrying an ``Idempotency-Key`` (the services run it once per key and replay the first
answer) — on a dropped connection (connect, read or write error, a protocol error, a read
timeout) and on 502/503 (honouring ``Retry-After``); a keyed POST also on the services' 409
"still being processed" (it carries ``Retry-After``). Any request is retried when the connection
could not be made at all (nothing was sent). Exponential backoff with full jitter, the whole
within a bounded time (60 s by default).

:class:`RetryingTransport` wraps an httpx transport, sync and async in one object, so that it can
be passed to a generated client as ``httpx_args={"transport": RetryingTransport()}`` (both its
``httpx.Client`` and ``httpx.AsyncClient`` take it). With ``add_keys`` it gives every POST
without one a fresh ``Idempotency-Key`` (the same key on each retry of that POST).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

IDEMPOTENCY_KEY = "Idempotency-Key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({502, 503})
# Nothing reached the server: any request may go again.
_NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout)
# The connection broke after (part of) the request went: only a safe or keyed one goes again.
_BROKEN: tuple[type[Exception], ...] = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError,
                                        httpx.ReadTimeout, httpx.WriteTimeout)


def add_idempotency_key(request: httpx.Request) -> None:
    """A POST without a key gets a fresh one (kept on the request: every retry sends the same)."""
    if request.method == "POST" and IDEMPOTENCY_KEY not in request.headers:
        request.headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass
class RetryPolicy:
    """When and how long to wait: backoff ``base * 2**n`` capped at ``cap``, full jitter, all
    attempts within ``budget`` seconds."""

    budget: float = 60.0
    base: float = 0.2
    cap: float = 5.0
    max_attempts: int = 30
    sleep_async: Callable[[float], Any] = asyncio.sleep
    sleep_sync: Callable[[float], Any] = time.sleep
    retries: int = field(default=0, init=False)  # how many retries were made (for reports)

    @staticmethod
    def replayable(request: httpx.Request) -> bool:
        return request.method in SAFE_METHODS or IDEMPOTENCY_KEY in request.headers

    def should_retry(self, request: httpx.Request, outcome: httpx.Response | Exception) -> bool:
        if isinstance(outcome, Exception):
            return isinstance(outcome, _NOT_SENT) or (isinstance(outcome, _BROKEN) and self.replayable(request))
        if not self.replayable(request):
            return False
        if outcome.status_code in RETRY_STATUSES:
            return True
        # The first request with this key is still running: its answer comes with a retry.
        return (outcome.status_code == 409 and IDEMPOTENCY_KEY in request.headers
                and "retry-after" in outcome.headers)

    def delay(self, attempt: int, outcome: httpx.Response | Exception, left: float) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up."""
        if attempt + 1 >= self.max_attempts or left <= 0:
            return None
        wait = random.uniform(0, min(self.cap, self.base * 2 ** attempt))  # noqa: S311 - jitter, not security
        if isinstance(outcome, httpx.Response):
            asked = retry_after(outcome)
            if asked is not None:
                wait = max(wait, min(asked, self.cap * 4))
        return wait if wait <= left else None


class RetryingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport (sync and async) that retries what :class:`RetryPolicy` allows."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None, *,
                 inner_sync: httpx.BaseTransport | None = None, policy: RetryPolicy | None = None,
                 add_keys: bool = False, **transport_args: Any) -> None:
        self.inner = inner if inner is not None else httpx.AsyncHTTPTransport(**transport_args)
        self.inner_sync = inner_sync if inner_sync is not None else httpx.HTTPTransport(**transport_args)
        self.policy = policy or RetryPolicy()
        self.add_keys = add_keys

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.add_keys:
            add_idempotency_key(request)
        await request.aread()  # the same bytes (multipart boundary included) on every attempt
        started, attempt = time.monotonic(), 0
        while True:
            try:
                outcome: httpx.Response | Exception = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            if not self.policy.should_retry(request, outcome):
                return _result(outcome)
            wait = self.policy.delay(attempt, outcome, self.policy.budget - (time.monotonic() - started))
            if wait is None:
                return _result(outcome)
            if isinstance(outcome, httpx.Response):
                await outcome.aclose()
            self.policy.retries += 1
            await self.policy.sleep_async(wait)
            attempt += 1

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.add_keys:
            add_idempotency_key(request)
        request.read()
        started, attempt = time.monotonic(), 0
        while True:
            try:
                outcome: httpx.Response | Exception = self.inner_sync.handle_request(request)
            except httpx.TransportError as exc:
                outcome = exc
            if not self.policy.should_retry(request, outcome):
                return _result(outcome)
            wait = self.policy.delay(attempt, outcome, self.policy.budget - (time.monotonic() - started))
            if wait is None:
                return _result(outcome)
            if isinstance(outcome, httpx.Response):
                outcome.close()
            self.policy.retries += 1
            self.policy.sleep_sync(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self.inner.aclose()

    def close(self) -> None:
        self.inner_sync.close()


def _result(outcome: httpx.Response | Exception) -> httpx.Response:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def send_with_retries(client: httpx.AsyncClient, request: httpx.Request,
                            policy: RetryPolicy | None = None, **send_args: Any) -> httpx.Response:
    """``client.send(request)`` under ``policy``, for a client whose transport is not retrying
    (the simulator's shared client): the same request, so the same key, on every attempt."""
    policy = policy or RetryPolicy()
    await request.aread()
    started, attempt = time.monotonic(), 0
    while True:
        try:
            outcome: httpx.Response | Exception = await client.send(request, **send_args)
        except httpx.TransportError as exc:
            outcome = exc
        if not policy.should_retry(request, outcome):
            return _result(outcome)
        wait = policy.delay(attempt, outcome, policy.budget - (time.monotonic() - started))
        if wait is None:
            return _result(outcome)
        policy.retries += 1
        await policy.sleep_async(wait)
        attempt += 1
