"""The request metrics count every request under its method, route and status (the labelled
children are cached per middleware: a cached child must still be the metric's own)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import Message, Receive, Scope, Send

from shared.request_middleware import MetricsMiddleware


class _Route:
    path = "/items/{item_id}"


def _answering(status: int) -> object:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"] = _Route
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})
    return app


async def _receive() -> Message:
    return {"type": "http.request", "body": b""}


async def _send(message: Message) -> None:
    return None


async def test_metrics_count_each_request_under_its_labels() -> None:
    registry = CollectorRegistry()
    requests = Counter("http_requests", "r", ["method", "route", "status"], registry=registry)
    latency = Histogram("http_request_seconds", "l", ["method", "route"], registry=registry)
    ok, missing = (MetricsMiddleware(_answering(code), requests, latency) for code in (200, 404))  # type: ignore[arg-type]
    for app, method in ((ok, "GET"), (ok, "GET"), (ok, "POST"), (missing, "GET")):
        await app({"type": "http", "method": method, "path": "/items/1", "headers": []}, _receive, _send)
    count = registry.get_sample_value
    assert count("http_requests_total", {"method": "GET", "route": "/items/{item_id}", "status": "200"}) == 2
    assert count("http_requests_total", {"method": "POST", "route": "/items/{item_id}", "status": "200"}) == 1
    assert count("http_requests_total", {"method": "GET", "route": "/items/{item_id}", "status": "404"}) == 1
    assert count("http_request_seconds_count", {"method": "GET", "route": "/items/{item_id}"}) == 3
