"""The two middlewares every service's requests pass through (installed by ``shared.runtime``):
the correlation id (taken from ``X-Correlation-ID`` or made, returned, and in every log line) and
the request metrics (count and latency per method, route and status)."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import correlation_id_var, new_correlation_id


class CorrelationIdMiddleware:
    """Takes ``X-Correlation-ID`` from the request (or makes one) and returns it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = None
        for name, value in scope.get("headers", []):
            if name == b"x-correlation-id":
                cid = value.decode("latin-1")[:64]
                break
        cid = cid or new_correlation_id()
        token = correlation_id_var.set(cid)
        # For the 500 handler, which Starlette runs outside every middleware (this one included).
        scope.setdefault("state", {})["correlation_id"] = cid
        header = (b"x-correlation-id", cid.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id_var.reset(token)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, requests: Counter, latency: Histogram) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency
        # The labelled children, looked up once per (method, route, status): ``labels()`` takes
        # the metric's lock and builds its key on every call. As many as the metric holds anyway.
        self._counts: dict[tuple[str, str, str], Any] = {}
        self._latencies: dict[tuple[str, str], Any] = {}

    def _count(self, method: str, path: str, status: str) -> Any:
        key = (method, path, status)
        child = self._counts.get(key)
        if child is None:
            child = self._counts[key] = self.requests.labels(method, path, status)
        return child

    def _latency(self, method: str, path: str) -> Any:
        key = (method, path)
        child = self._latencies.get(key)
        if child is None:
            child = self._latencies[key] = self.latency.labels(method, path)
        return child

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            method = scope.get("method", "")
            self._count(method, path, str(status["code"])).inc()
            self._latency(method, path).observe(time.perf_counter() - start)
