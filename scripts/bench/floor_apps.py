"""The floors' servers, each run as its own uvicorn process (uvloop + httptools, one worker):

- ``bare``: a FastAPI JSON GET;
- ``insert``: a FastAPI POST doing one PostgreSQL insert (asyncpg, a pool of 64);
- ``select``: an authenticated GET (bearer JWT) doing one indexed SELECT through the services'
  SQLAlchemy engine and answering a pydantic model: the fair floor of ``get_application``;
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


READ_SECRET = "bench-floor-secret-bench-floor-secret"  # a throwaway bench server's
READ_ROWS = 1000


class ReadOut(BaseModel):
    id: str
    status: str
    lsp_code: str
    created_at: str


def select_app(database_url: str) -> FastAPI:
    """The fair floor of an authenticated read: a bearer JWT (HS256, PyJWT) checked as the portal
    checks its applicants' tokens, one indexed SELECT through a SQLAlchemy async engine made by
    ``shared.database.create_engine`` (the services' pool), a pydantic response model."""
    import jwt
    import sqlalchemy as sa
    from fastapi import Depends, HTTPException
    from fastapi.security import OAuth2PasswordBearer

    from shared.database import create_engine

    reads = sa.Table("bench_reads", sa.MetaData(), sa.Column("id", sa.String(36), primary_key=True),
                     sa.Column("user_id", sa.String(36), nullable=False, index=True),
                     sa.Column("status", sa.String(32), nullable=False), sa.Column("lsp_code", sa.String(16)),
                     sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from datetime import UTC, datetime

        engine = create_engine(database_url.replace("postgresql://", "postgresql+asyncpg://", 1), pool_size=12)
        async with engine.begin() as conn:
            await conn.run_sync(reads.metadata.create_all)
            await conn.execute(reads.delete())
            await conn.execute(reads.insert(), [
                {"id": f"app-{i}", "user_id": f"user-{i}", "status": "scheduled", "lsp_code": "LSP-A",
                 "created_at": datetime.now(UTC)} for i in range(READ_ROWS)])
        state["engine"] = engine
        yield
        await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    bearer = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)

    def user_of(token: str | None = Depends(bearer)) -> str:
        try:
            return str(jwt.decode(token or "", READ_SECRET, algorithms=["HS256"])["sub"])
        except jwt.PyJWTError as exc:
            raise HTTPException(401, "bad token") from exc

    @app.get("/reads/{read_id}", response_model=ReadOut)
    async def read(read_id: str, user_id: str = Depends(user_of)) -> ReadOut:
        async with state["engine"].connect() as conn:
            row = (await conn.execute(sa.select(reads).where(reads.c.id == read_id, reads.c.user_id == user_id))
                   ).mappings().first()
        if row is None:
            raise HTTPException(404, "not found")
        return ReadOut(id=row["id"], status=row["status"], lsp_code=row["lsp_code"],
                       created_at=row["created_at"].isoformat())

    return app


def read_token(i: int) -> str:
    import jwt

    return str(jwt.encode({"sub": f"user-{i % READ_ROWS}"}, READ_SECRET, algorithm="HS256"))


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
    p.add_argument("kind", choices=["bare", "insert", "select", "hop-httpx", "hop-aiohttp", "hop-chain"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--target", default="")
    p.add_argument("--database-url", default="")
    a = p.parse_args()
    if a.kind == "bare":
        app = bare_app()
    elif a.kind == "insert":
        app = insert_app(a.database_url)
    elif a.kind == "select":
        app = select_app(a.database_url)
    else:
        app = hop_app(a.kind, a.target)
    uvicorn.run(app, host="127.0.0.1", port=a.port, loop="uvloop", http="httptools", log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
