"""The aiohttp backend of ServiceClient (shared/aiohttp_backend.py) against real sockets: what a
caller sees must be what httpx's own client gives, answers and errors alike."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from shared.httpx_transports import AiohttpOnFirstCall
from shared.logging import correlation_id_var
from shared.service_client import ServiceCallError, ServiceClient

Answer = Callable[[bytes], bytes]  # the raw request (head and body) -> the raw answer


@asynccontextmanager
async def raw_server(answer: Answer, *, delay: float = 0.0) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A socket server answering each request with ``answer(request)`` and closing; the
    requests it read are listed."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        request = head + (await reader.readexactly(length) if length else b"")
        seen.append(request)
        await asyncio.sleep(delay)
        writer.write(answer(request))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", seen
    finally:
        server.close()


def http_answer(status: str, body: bytes, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def both_clients(url: str) -> list[ServiceClient]:
    """The same call on httpx's own client and on the aiohttp backend."""
    return [ServiceClient(url, retries=0, name="httpx", auth=lambda: "tok"),
            ServiceClient(url, retries=0, name="aiohttp", auth=lambda: "tok", backend="aiohttp")]


async def test_a_json_call_sends_and_answers_as_on_httpx() -> None:
    answer = http_answer("201 Created", b'{"ok": true, "name": "Budi \xc3\xa9"}', "Content-Type: application/json",
                         "Location: /x/1")
    async with raw_server(lambda _: answer) as (url, seen):
        answers = []
        token = correlation_id_var.set("cid-1")
        try:
            for client in both_clients(url):
                try:
                    answers.append(await client.request("POST", "/api/v1/x", json={"nama": "Budi é", "n": 1},
                                                        params={"lsp_code": "LSP-A", "page": 2},
                                                        idempotency_key="app-1:proof:1"))
                finally:
                    await client.aclose()
        finally:
            correlation_id_var.reset(token)
    by_httpx, by_aiohttp = answers
    assert by_aiohttp.status_code == by_httpx.status_code == 201
    assert by_aiohttp.json() == by_httpx.json() == {"ok": True, "name": "Budi é"}
    assert by_aiohttp.headers["location"] == "/x/1" and by_aiohttp.text == by_httpx.text
    heads, bodies = zip(*(r.split(b"\r\n\r\n", 1) for r in seen), strict=True)
    assert bodies[0] == bodies[1] == json.dumps({"nama": "Budi é", "n": 1}, ensure_ascii=False,
                                                separators=(",", ":")).encode()
    for head in heads:
        lines = head.decode().lower().split("\r\n")
        assert lines[0] == "post /api/v1/x?lsp_code=lsp-a&page=2 http/1.1"
        assert {"authorization: bearer tok", "x-correlation-id: cid-1", "content-type: application/json"} <= set(lines)
        assert any(line.startswith("idempotency-key: app-1:proof:1.") for line in lines)


async def test_bytes_and_a_compressed_answer() -> None:
    packed = gzip.compress(b'{"n": 7}')
    answer = http_answer("200 OK", packed, "Content-Type: application/json", "Content-Encoding: gzip")
    async with raw_server(lambda _: answer) as (url, seen):
        client = ServiceClient(url, retries=0, backend="aiohttp")
        try:
            response = await client.request("PUT", "/blob", content=b"\x00\x01raw")
        finally:
            await client.aclose()
    assert response.json() == {"n": 7}
    assert seen[0].endswith(b"\r\n\r\n\x00\x01raw")


async def test_a_redirect_is_answered_not_followed() -> None:
    answer = http_answer("302 Found", b"", "Location: http://127.0.0.1:9/elsewhere")
    async with raw_server(lambda _: answer) as (url, seen):
        client = ServiceClient(url, retries=0, backend="aiohttp")
        try:
            response = await client.request("GET", "/moved")
        finally:
            await client.aclose()
    assert response.status_code == 302 and len(seen) == 1


@pytest.mark.parametrize("raw", [b"NOT-HTTP at all\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"])
async def test_a_broken_answer_raises_httpx_errors_only(raw: bytes) -> None:
    """An answer that is not HTTP, or a body cut short: httpx's errors on both ways onto aiohttp
    (aiohttp's ClientResponseError once escaped ServiceClient unwrapped)."""
    async with raw_server(lambda _: raw) as (url, _):
        direct = ServiceClient(url, backend="aiohttp", retries=0, name="garbage")
        through_httpx = httpx.AsyncClient(transport=AiohttpOnFirstCall(httpx.Limits()))
        try:
            with pytest.raises(httpx.TransportError):
                await direct._direct.request("GET", "/", headers={})  # type: ignore[union-attr]
            with pytest.raises(httpx.TransportError):
                await through_httpx.get(url)
            with pytest.raises(ServiceCallError):
                await direct.request("GET", "/")
        finally:
            await direct.aclose()
            await through_httpx.aclose()


async def test_a_refused_connection_and_a_slow_answer_are_httpx_errors() -> None:
    async with raw_server(lambda _: http_answer("200 OK", b"{}")) as (url, _):
        pass  # closed: nothing listens on its port any more
    client = ServiceClient(url, backend="aiohttp", retries=0)
    try:
        with pytest.raises(httpx.ConnectError):
            await client._direct.request("GET", "/", headers={})  # type: ignore[union-attr]
    finally:
        await client.aclose()
    async with raw_server(lambda _: http_answer("200 OK", b"{}"), delay=1.0) as (url, _):
        client = ServiceClient(url, backend="aiohttp", retries=0, timeout=0.2)
        try:
            with pytest.raises(httpx.ReadTimeout):
                await client._direct.request("GET", "/", headers={})  # type: ignore[union-attr]
            with pytest.raises(ServiceCallError, match="unreachable"):
                await client.call_json("GET", "/")
        finally:
            await client.aclose()
