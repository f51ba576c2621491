from __future__ import annotations

import httpx

from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings


async def test_health_and_readiness(sqlite_url: str) -> None:
    app = create_app(BnspSettings(database_url=sqlite_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": "ok", "bus": "ok"}
            spec = (await client.get("/openapi.json")).json()
            assert spec["info"]["title"] == "bnsp"
