"""The retrying clients (scripts/simulator/retrying.py) against a real server behind a flaky front:
the first connection is dropped after the request reached the service (its answer lost), the next
is answered 503 once; a keyed POST still takes effect once and returns the first answer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from scripts.simulator.api import Metrics, Portal, Service
from scripts.simulator.retrying import IDEMPOTENCY_KEY, RetryingTransport, RetryPolicy, send_with_retries
from shared.tests.test_idempotency import Effects, database, make_app


class FlakyFront:
    """Forwards to ``target``; ``drops`` connections are cut once the request went through (the
    answer never comes back), then ``unavailable`` requests are answered 503 here."""

    def __init__(self, target: int, *, drops: int = 1, unavailable: int = 1) -> None:
        self.target = target
        self.drops = drops
        self.unavailable = unavailable
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            request = await _read_request(reader)
            if self.drops:
                self.drops -= 1
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
                up_writer.write(request)
                await up_writer.drain()
                await _read_response_head(up_reader)  # the service has answered: the effect is done
                up_writer.close()
                return  # and the client never hears of it
            if self.unavailable:
                self.unavailable -= 1
                writer.write(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
                await writer.drain()
                return
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
            up_writer.write(request)
            await up_writer.drain()
            while data := await up_reader.read(65536):
                writer.write(data)
                await writer.drain()
            up_writer.close()
        finally:
            with contextlib.suppress(Exception):
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    # One request per connection, so the proxy knows where answers end.
    head = head.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1) if b"onnection:" not in head else head
    return head + body


async def _read_response_head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


@contextlib.asynccontextmanager
async def served(sqlite_url: str, effects: Effects, **front: int) -> AsyncIterator[FlakyFront]:
    async with database(sqlite_url) as engine:
        config = uvicorn.Config(make_app(engine, effects), host="127.0.0.1", port=0, log_level="warning",
                                lifespan="off")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        flaky = FlakyFront(port, **front)
        await flaky.start()
        try:
            yield flaky
        finally:
            await flaky.stop()
            server.should_exit = True
            await task


def fast() -> RetryPolicy:
    return RetryPolicy(budget=10.0, base=0.01, cap=0.05)


async def test_a_keyed_post_survives_a_dropped_answer_and_a_503(sqlite_url: str) -> None:
    effects = Effects()
    async with served(sqlite_url, effects) as front:
        transport = RetryingTransport(policy=fast(), add_keys=True)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://127.0.0.1:{front.port}") as c:
            answer = await c.post("/things", json={"a": 1}, headers={"Authorization": "alice"})
        assert answer.status_code == 201, answer.text
        assert answer.json() == {"no": 1, "a": 1}
        assert answer.headers["idempotent-replayed"] == "true"  # the answer the dropped connection lost
        assert effects.done == [{"a": 1}]
        assert front.connections == 3 and transport.policy.retries == 2


async def test_without_a_key_a_post_is_not_sent_twice(sqlite_url: str) -> None:
    effects = Effects()
    async with served(sqlite_url, effects) as front:
        transport = RetryingTransport(policy=fast())
        async with httpx.AsyncClient(transport=transport, base_url=f"http://127.0.0.1:{front.port}") as c:
            with pytest.raises(httpx.TransportError):
                await c.post("/things", json={"a": 1})
        assert effects.done == [{"a": 1}] and front.connections == 1


def test_the_sync_transport_retries_too(sqlite_url: str) -> None:
    async def scenario() -> None:
        effects = Effects()
        async with served(sqlite_url, effects) as front:
            def call() -> httpx.Response:
                transport = RetryingTransport(policy=fast(), add_keys=True)
                with httpx.Client(transport=transport, base_url=f"http://127.0.0.1:{front.port}") as c:
                    return c.post("/things", json={"a": 1}, headers={"Authorization": "alice"})

            answer = await asyncio.to_thread(call)
            assert answer.status_code == 201 and answer.json() == {"no": 1, "a": 1}
            assert effects.done == [{"a": 1}]

    asyncio.run(scenario())


async def test_a_connection_refused_is_retried_until_the_service_is_back(sqlite_url: str) -> None:
    effects = Effects()
    async with served(sqlite_url, effects, drops=0, unavailable=0) as front:
        port = front.port
        await front.stop()  # "restarting": nothing listens for a while

        async def restart() -> None:
            await asyncio.sleep(0.5)
            front._server = await asyncio.start_server(front._handle, "127.0.0.1", port)

        policy = RetryPolicy(budget=10.0, base=0.05, cap=0.2)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
            back = asyncio.create_task(restart())
            request = c.build_request("POST", "/things", json={"a": 1}, headers={IDEMPOTENCY_KEY: "k-9"})
            answer = await send_with_retries(c, request, policy)
            await back
        assert answer.status_code == 201 and effects.done == [{"a": 1}] and policy.retries >= 1


async def test_the_generated_client_takes_the_transport() -> None:
    from clients.portal_client import AuthenticatedClient

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503, headers={"Retry-After": "0"})
        return httpx.Response(201, json={"id": "app-1"})

    transport = RetryingTransport(httpx.MockTransport(answer), inner_sync=httpx.MockTransport(answer),
                                  policy=fast(), add_keys=True)
    client = AuthenticatedClient(base_url="http://portal", token="t", httpx_args={"transport": transport})
    response = await client.get_async_httpx_client().post("/api/v1/applications", json={})
    assert response.status_code == 201
    assert len(seen) == 2 and seen[0].headers[IDEMPOTENCY_KEY] == seen[1].headers[IDEMPOTENCY_KEY]


async def test_the_simulator_keys_every_post_and_retries_it() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(201, json={"id": "doc-1", "kind": "ktp"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        portal = Portal(Service("portal_client", http, "http://portal", policy=fast()), Metrics())
        portal.token = "t"
        with contextlib.suppress(Exception):  # the answer's shape is not the point here
            await portal.upload("ktp", "ktp.pdf", b"%PDF-", "application/pdf")
    assert len(seen) == 2
    assert seen[0].headers[IDEMPOTENCY_KEY] == seen[1].headers[IDEMPOTENCY_KEY]
    assert seen[0].read() == seen[1].read()  # the same multipart bytes, boundary included
