"""What every service's ``Idempotency-Key`` test checks, given a way to send its keyed POST and to
count its effect (shared/idempotency.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.idempotency import HEADER, IdempotencyMiddleware

# send(key, variant): the service's POST with that Idempotency-Key and a body made from ``variant``
# (the same variant, the same bytes; another variant, another effect).
Send_ = Callable[[str, int], Awaitable[httpx.Response]]
Count = Callable[[], Awaitable[int]]


@dataclass
class Hold:
    """Holds every POST that passed the idempotency claim until ``release`` is set."""

    inner: ASGIApp
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST":
            self.entered.set()
            await self.release.wait()
        await self.inner(scope, receive, send)


def idempotency_layer(app: FastAPI) -> IdempotencyMiddleware:
    node: Any = app.middleware_stack
    while node is not None and not isinstance(node, IdempotencyMiddleware):
        node = getattr(node, "app", None)
    assert node is not None, "install_idempotency is not in the app's middleware"
    return node


async def check_keyed_post(app: FastAPI, client: httpx.AsyncClient, send: Send_, count: Count, *,
                           created: int = 201) -> None:
    """Replay (same answer, one effect), another body (422), in flight (409)."""
    if app.middleware_stack is None:
        await client.get("/healthz")  # builds the middleware stack
    before = await count()
    first = await send("key-1", 1)
    assert first.status_code == created, first.text
    again = await send("key-1", 1)
    assert (again.status_code, again.content) == (first.status_code, first.content), again.text
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers.get("location") == first.headers.get("location")
    assert again.headers["idempotent-replayed"] == "true"
    assert await count() == before + 1

    other = await send("key-1", 2)
    assert other.status_code == 422, other.text
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["field"] == HEADER
    assert await count() == before + 1

    layer = idempotency_layer(app)
    hold = Hold(layer.app)
    layer.app = hold
    try:
        running = asyncio.ensure_future(send("key-3", 3))
        await asyncio.wait_for(hold.entered.wait(), 10)
        busy = await send("key-3", 3)
        assert busy.status_code == 409, busy.text
        assert busy.headers["content-type"].startswith("application/problem+json")
        assert "retry-after" in busy.headers
        hold.release.set()
        assert (await running).status_code == created
    finally:
        hold.release.set()
        layer.app = hold.inner
    assert await count() == before + 2


async def check_two_replicas(send_first: Send_, send_second: Send_, count: Count, *, created: int = 201,
                             rounds: int = 3) -> None:
    """The same keyed POST sent to two processes sharing one database at once takes effect once."""
    before = await count()
    for n in range(rounds):
        key = f"race-{n}"
        answers = await asyncio.gather(*[(send_first if i % 2 else send_second)(key, 10 + n) for i in range(6)])
        codes = [a.status_code for a in answers]
        assert set(codes) <= {created, 409}, [a.text for a in answers]
        assert created in codes
        assert await count() == before + n + 1
        replays = [await send_first(key, 10 + n), await send_second(key, 10 + n)]
        firsts = {a.content for a in answers if a.status_code == created}
        assert all(r.status_code == created and r.content in firsts for r in replays)
        assert len(firsts) == 1  # every 2xx is the same answer


LEASE_AFTER_DEATH = 0.2  # the claim's lease while :func:`dying_after_commit` holds: wait a little longer


@contextlib.contextmanager
def dying_after_commit(app: FastAPI) -> Iterator[None]:
    """Within: a keyed POST runs its handler (whose effects commit) and then its process "dies":
    its answer is neither stored nor its claim released, and the claim's lease is
    :data:`LEASE_AFTER_DEATH` s, so a retry ``LEASE_AFTER_DEATH`` later takes the claim over, as
    after a real crash (the middleware stack must be built: one request first)."""
    store = idempotency_layer(app).store

    async def gone(*_: object) -> None:
        raise ConnectionError("the process is gone")

    saved = store.complete, store.release, store.lease
    store.complete, store.release, store.lease = gone, gone, LEASE_AFTER_DEATH  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        store.complete, store.release, store.lease = saved  # type: ignore[method-assign]


async def check_retry_after_death(app: FastAPI, client: httpx.AsyncClient, send: Send_, count: Count, *,
                                  created: int = 201) -> None:
    """The process dies once the handler committed, before the answer is stored (nothing stored,
    nothing released): the retry after the lease answers as the first did and takes no effect again
    (shared/idempotency_marks.py)."""
    if app.middleware_stack is None:
        await client.get("/healthz")
    before = await count()
    with dying_after_commit(app):
        first = await send("death-1", 7)
    assert first.status_code == created, first.text
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    retried = await send("death-1", 7)
    assert retried.status_code == created, retried.text
    assert retried.json() == first.json()
    assert await count() == before + 1


async def died_then_retried(app: FastAPI, client: httpx.AsyncClient,
                            send: Callable[[], Awaitable[httpx.Response]]) -> tuple[httpx.Response, httpx.Response]:
    """``send`` (a keyed POST, the same key each time) once inside :func:`dying_after_commit`, then
    again once the claim's lease lapsed, as a client's retry after the process died: both answers."""
    if app.middleware_stack is None:
        await client.get("/healthz")  # builds the middleware stack dying_after_commit reaches into
    with dying_after_commit(app):
        first = await send()
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    return first, await send()


async def posted_died_then_retried(app: FastAPI, client: httpx.AsyncClient, path: str, body: dict[str, Any],
                                   headers: dict[str, str]) -> tuple[httpx.Response, httpx.Response]:
    """:func:`died_then_retried` for a JSON POST to ``path`` (``headers`` carrying its key)."""
    return await died_then_retried(app, client, lambda: client.post(path, json=body, headers=headers))
