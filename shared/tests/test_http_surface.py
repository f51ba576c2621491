"""The surface every service shows: security headers, no-store, and in production no explorer
and metrics behind the metrics token."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr

from shared.http_surface import CSP, install_surface


def _app(*, dev: bool, metrics_token: str | None = None) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/personal")
    async def personal() -> dict[str, str]:
        return {"nik": "3171010101010001"}

    @app.get("/public")
    async def public() -> Response:
        return Response("ok", headers={"Cache-Control": "public, max-age=60"})

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response("requests_total 1\n", media_type="text/plain")

    settings: Any = SimpleNamespace(is_dev=dev, metrics_token=SecretStr(metrics_token) if metrics_token else None)
    install_surface(app, settings)
    return app


async def _get(app: FastAPI, path: str, **headers: str) -> Any:
    async with AsyncClient(transport=ASGITransport(app), base_url="http://t") as c:
        return await c.get(path, headers=headers)


@pytest.mark.parametrize("dev", [True, False])
async def test_every_response_carries_the_security_headers_and_personal_data_is_not_cached(dev: bool) -> None:
    r = await _get(_app(dev=dev), "/api/v1/personal")
    assert r.status_code == 200
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert ("strict-transport-security" in r.headers) is (not dev)
    # A route that chose its own caching keeps it.
    assert (await _get(_app(dev=dev), "/public")).headers["cache-control"] == "public, max-age=60"


async def test_production_hides_the_api_explorer_but_dev_shows_it() -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        hidden = await _get(_app(dev=False), path)
        assert hidden.status_code == 404, path
        assert hidden.headers["content-type"].startswith("application/problem+json")
        assert (await _get(_app(dev=True), path)).status_code == 200, path


async def test_production_metrics_need_the_metrics_token() -> None:
    assert (await _get(_app(dev=False), "/metrics")).status_code == 404  # no token configured: off
    app = _app(dev=False, metrics_token="m" * 8 + "-scraper-token-0123456789abcdef")
    assert (await _get(app, "/metrics")).status_code == 401
    assert (await _get(app, "/metrics", authorization="Bearer wrong")).status_code == 401
    ok = await _get(app, "/metrics", authorization="Bearer " + "m" * 8 + "-scraper-token-0123456789abcdef")
    assert ok.status_code == 200 and "requests_total" in ok.text
    assert (await _get(_app(dev=True), "/metrics")).status_code == 200
