"""The floors' servers, each run as its own uvicorn process (uvloop + httptools, one worker):

- ``bare``: a FastAPI JSON GET;
- ``insert``: a FastAPI POST doing one PostgreSQL insert (asyncpg, a pool of 64);
- ``hop-httpx`` / ``hop-aiohttp``: a GET that calls ``--target`` (a ``bare`` server) with
  httpx.AsyncClient / aiohttp and answers its JSON;
- ``hop-chain``: the same with the chain's own ``shared.service_client.ServiceClient``
  (service token included), i.e. what a service-to-service call of the chain costs.

``python -m scripts.bench.floor_apps KIND --port P [--target URL] [--database-url URL]``
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    value: int = 0


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.get("/json")
    async def json_endpoint() -> dict[str, Any]:
        return {"ok": True, "service": "bare", "n": 1}

    return app


def insert_app(database_url: str) -> FastAPI:
    import asyncpg

    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool = await asyncpg.create_pool(database_url, min_size=8, max_size=64)
        async with pool.acquire() as c:
            await c.execute("CREATE TABLE IF NOT EXISTS bench_items (id bigserial PRIMARY KEY, name text NOT NULL, "
                            "value integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())")
        state["pool"] = pool
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/items", status_code=201)
    async def create_item(item: Item) -> dict[str, Any]:
        async with state["pool"].acquire() as c:
            new_id = await c.fetchval("INSERT INTO bench_items (name, value) VALUES ($1, $2) RETURNING id",
                                      item.name, item.value)
        return {"id": new_id, "name": item.name}

    return app


def hop_app(kind: str, target: str) -> FastAPI:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if kind == "hop-httpx":
            import httpx

            state["client"] = httpx.AsyncClient(base_url=target, limits=httpx.Limits(max_connections=100,
                                                                                      max_keepalive_connections=50))
        elif kind == "hop-aiohttp":
            import aiohttp

            state["client"] = aiohttp.ClientSession(base_url=target, connector=aiohttp.TCPConnector(limit=100))
        else:
            from shared.auth import ServiceTokenSigner
            from shared.service_client import ServiceClient

            signer = ServiceTokenSigner.dev("portal", 300)
            # As the chain runs it (SKK_HTTP_BACKEND=aiohttp in the multi-process deployment).
            state["client"] = ServiceClient(target, auth=lambda: signer.token("siki"), name="bare", backend="aiohttp")
        yield
        client = state["client"]
        await (client.close() if kind == "hop-aiohttp" else client.aclose())

    app = FastAPI(lifespan=lifespan)

    @app.get("/hop")
    async def hop() -> Any:
        client = state["client"]
        if kind == "hop-httpx":
            return (await client.get("/json")).json()
        if kind == "hop-aiohttp":
            async with client.get("/json") as r:
                return await r.json()
        return await client.call_json("GET", "/json")

    return app


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["bare", "insert", "hop-httpx", "hop-aiohttp", "hop-chain"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--target", default="")
    p.add_argument("--database-url", default="")
    a = p.parse_args()
    if a.kind == "bare":
        app = bare_app()
    elif a.kind == "insert":
        app = insert_app(a.database_url)
    else:
        app = hop_app(a.kind, a.target)
    uvicorn.run(app, host="127.0.0.1", port=a.port, loop="uvloop", http="httptools", log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
