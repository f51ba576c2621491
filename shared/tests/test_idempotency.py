"""``Idempotency-Key`` (shared/idempotency.py) on a small app: replay, another body, in flight,
a dead process's claim, errors released, multipart, the body limit outside, PostgreSQL replicas
claiming atomically, retention and the OpenAPI document."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import DeclarativeBase

from shared.crypto import DataKeys, attach_data_keys
from shared.database import NAMING_CONVENTION, create_engine
from shared.errors import install_problem_handlers, problem_openapi
from shared.http_surface import BodyLimitMiddleware, allow_uploads
from shared.idempotency import (
    DEFAULT_EXEMPT,
    HEADER,
    IdempotencyKeyMixin,
    IdempotencyMiddleware,
    IdempotencyStore,
    idempotency_openapi,
)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Key(IdempotencyKeyMixin, Base):
    pass


@dataclass
class Effects:
    done: list[Any] = field(default_factory=list)
    hold: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    fail_once: bool = False


def make_app(engine: AsyncEngine, effects: Effects, *, lease: float = 60.0, limit: int = 10_000) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    store = IdempotencyStore(engine, Key.__table__, lease=lease)  # type: ignore[arg-type]
    app.add_middleware(IdempotencyMiddleware, owner=app, store=store, secret=b"s" * 32,
                       principal=lambda h: h.get(b"authorization", b"anonymous").decode(), exempt=DEFAULT_EXEMPT)
    idempotency_openapi(app)
    problem_openapi(app)
    app.add_middleware(BodyLimitMiddleware, owner=app, default=limit)
    app.state.store = store

    @app.post("/things", status_code=201, operation_id="create_thing")
    async def create(request: Request, response: Response) -> dict[str, Any]:
        payload = await request.json()
        effects.entered.set()
        if effects.hold is not None:
            await effects.hold.wait()
        if effects.fail_once:
            effects.fail_once = False
            raise RuntimeError("boom")
        effects.done.append(payload)
        response.headers["Location"] = f"/things/{len(effects.done)}"
        return {"no": len(effects.done), **payload}

    @app.post("/files", status_code=201, operation_id="upload_file")
    async def upload(request: Request) -> dict[str, Any]:
        form = await request.form()
        data = await form["file"].read()  # type: ignore[union-attr]
        effects.done.append(len(data))
        return {"no": len(effects.done), "size": len(data)}

    @app.post("/login", operation_id="login")
    async def login() -> dict[str, Any]:
        effects.done.append("login")
        return {"token": f"t{len(effects.done)}"}

    allow_uploads(app, 100_000, "upload_file")
    return app


KEYS = DataKeys({"k1": os.urandom(32)}, "k1")  # replicas share the service's data keys


@asynccontextmanager
async def database(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url)
    attach_data_keys(engine, KEYS)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


def keyed(key: str = "k-1", who: str = "alice") -> dict[str, str]:
    return {HEADER: key, "Authorization": who}


async def test_a_replay_returns_the_first_answer_and_runs_nothing(sqlite_url: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects)) as c:
        first = await c.post("/things", json={"a": 1}, headers=keyed())
        again = await c.post("/things", json={"a": 1}, headers=keyed())
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() == {"no": 1, "a": 1}
        assert again.headers["location"] == first.headers["location"] == "/things/1"
        assert again.headers["content-type"] == "application/json"
        assert again.headers["idempotent-replayed"] == "true"
        assert effects.done == [{"a": 1}]
        # Another key, another caller with the same key, or no key: each runs.
        assert (await c.post("/things", json={"a": 1}, headers=keyed("k-2"))).json()["no"] == 2
        assert (await c.post("/things", json={"a": 1}, headers=keyed(who="bob"))).json()["no"] == 3
        assert (await c.post("/things", json={"a": 1})).json()["no"] == 4
        assert (await c.post("/things", json={"a": 1})).json()["no"] == 5
        # The stored body is sealed with the data keys, never in clear.
        async with engine.connect() as conn:
            raw = (await conn.execute(sa.text("SELECT body FROM idempotency_keys"))).scalars().all()
        assert raw and all(b'"a":1' not in bytes(b) for b in raw)


async def test_the_same_key_with_another_body_is_422(sqlite_url: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects)) as c:
        assert (await c.post("/things", json={"a": 1}, headers=keyed())).status_code == 201
        other = await c.post("/things", json={"a": 2}, headers=keyed())
        assert other.status_code == 422, other.text
        assert other.headers["content-type"].startswith("application/problem+json")
        assert other.json()["field"] == HEADER
        assert effects.done == [{"a": 1}]


async def test_a_request_still_running_answers_409(sqlite_url: str) -> None:
    effects = Effects(hold=asyncio.Event())
    async with database(sqlite_url) as engine, client(make_app(engine, effects)) as c:
        first = asyncio.create_task(c.post("/things", json={"a": 1}, headers=keyed()))
        await asyncio.wait_for(effects.entered.wait(), 10)
        busy = await c.post("/things", json={"a": 1}, headers=keyed())
        assert busy.status_code == 409, busy.text
        assert busy.headers["content-type"].startswith("application/problem+json")
        assert int(busy.headers["retry-after"]) >= 1
        assert effects.hold is not None
        effects.hold.set()
        assert (await first).status_code == 201
        assert (await c.post("/things", json={"a": 1}, headers=keyed())).json() == {"no": 1, "a": 1}
        assert len(effects.done) == 1


async def test_a_dead_process_claim_expires_and_is_taken_over(sqlite_url: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects, lease=0.5)) as c:
        app_store: IdempotencyStore = c._transport.app.state.store  # type: ignore[attr-defined]
        # A claim as a killed process leaves it: running, never renewed.
        hmac_key = "dead"
        assert await app_store.claim(hmac_key, "f", "c" * 32) is None
        assert isinstance(await app_store.claim(hmac_key, "f", "d" * 32), Exception)  # 409 while leased
        await asyncio.sleep(0.6)
        assert await app_store.claim(hmac_key, "f", "d" * 32) is None  # taken over
        # Through the middleware: a held request keeps its claim renewed past the lease.
        effects.hold = asyncio.Event()
        first = asyncio.create_task(c.post("/things", json={"a": 1}, headers=keyed()))
        await asyncio.wait_for(effects.entered.wait(), 10)
        await asyncio.sleep(1.2)
        assert (await c.post("/things", json={"a": 1}, headers=keyed())).status_code == 409
        effects.hold.set()
        assert (await first).status_code == 201


async def test_errors_release_the_key_so_a_retry_runs(sqlite_url: str) -> None:
    effects = Effects(fail_once=True)
    async with database(sqlite_url) as engine:
        app = make_app(engine, effects)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                     base_url="http://svc") as c:
            failed = await c.post("/things", json={"a": 1}, headers=keyed())
            assert failed.status_code == 500
            retried = await c.post("/things", json={"a": 1}, headers=keyed())
            assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
            assert effects.done == [{"a": 1}]


@pytest.mark.parametrize("key", ["", "x" * 256, "é", "a\tb"])
async def test_a_malformed_key_is_400(sqlite_url: str, key: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects)) as c:
        answer = await c.post("/things", json={"a": 1}, headers=[(HEADER.encode(), key.encode("utf-8"))])
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == HEADER
        assert effects.done == []


async def test_multipart_uploads_replay_and_the_body_limit_stays_outside(sqlite_url: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects, limit=1000)) as c:
        files = {"file": ("a.pdf", b"%PDF" + b"x" * 20_000, "application/pdf")}
        request = c.build_request("POST", "/files", files=files, headers=keyed())
        request.read()  # as a retrying client keeps it: the same bytes, the same boundary
        first = await c.send(request)
        again = await c.send(c.build_request("POST", "/files", content=request.content, headers=request.headers))
        assert first.status_code == again.status_code == 201, first.text
        assert again.json() == first.json() == {"no": 1, "size": 20_004}
        assert effects.done == [20_004]
        # A keyed body over the route's limit is refused by the limit before it is read here.
        big = await c.post("/things", content=b"{" + b" " * 5000 + b"}", headers=keyed("k-big"))
        assert big.status_code == 413
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT count(*) FROM idempotency_keys"))).scalar() == 1


async def test_exempt_operations_ignore_the_header(sqlite_url: str) -> None:
    effects = Effects()
    async with database(sqlite_url) as engine, client(make_app(engine, effects)) as c:
        one = await c.post("/login", headers=keyed())
        two = await c.post("/login", headers=keyed())
        assert one.json() != two.json()  # a token is never stored nor replayed
        doc = c._transport.app.openapi()  # type: ignore[attr-defined]
        assert "parameters" not in doc["paths"]["/login"]["post"]


async def test_the_openapi_documents_the_header_and_its_answers(sqlite_url: str) -> None:
    async with database(sqlite_url) as engine:
        doc = make_app(engine, Effects()).openapi()
    op = doc["paths"]["/things"]["post"]
    (param,) = [p for p in op["parameters"] if p["name"] == HEADER]
    assert param["in"] == "header" and param["required"] is False and param["schema"]["maxLength"] == 255
    for code in ("400", "409", "422"):
        assert list(op["responses"][code]["content"]) == ["application/problem+json"]
    assert "ProblemDetails" in doc["components"]["schemas"]


async def test_purge_drops_expired_keys(sqlite_url: str) -> None:
    async with database(sqlite_url) as engine:
        store = IdempotencyStore(engine, Key.__table__, retention=0.0)  # type: ignore[arg-type]
        assert await store.claim("k", "f", "c" * 32) is None
        assert await store.purge_expired() == 1


async def test_two_replicas_on_postgres_claim_atomically(pg_url: str) -> None:
    effects = Effects(hold=asyncio.Event())
    async with database(pg_url) as engine:
        # Two app instances (two processes' worth: each its own engine and pool) on one database.
        other_engine = create_engine(pg_url)
        attach_data_keys(other_engine, KEYS)
        try:
            async with client(make_app(engine, effects)) as a, client(make_app(other_engine, effects)) as b:
                tries = [(a if i % 2 else b).post("/things", json={"a": 1}, headers=keyed()) for i in range(8)]
                running = asyncio.gather(*tries)
                await asyncio.wait_for(effects.entered.wait(), 10)
                await asyncio.sleep(0.3)
                assert effects.hold is not None
                effects.hold.set()
                answers = await running
                codes = sorted(r.status_code for r in answers)
                assert codes.count(201) == 1 and codes.count(409) == 7, codes
                # Each replica replays the answer the other stored.
                for c in (a, b):
                    replay = await c.post("/things", json={"a": 1}, headers=keyed())
                    assert replay.json() == {"no": 1, "a": 1} and replay.headers["idempotent-replayed"] == "true"
            assert effects.done == [{"a": 1}]
        finally:
            await other_engine.dispose()
