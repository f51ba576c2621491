"""Against the real PostgreSQL and RabbitMQ, with the LSP a real HTTP server on an ephemeral
port that is down for its first calls."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.siki.tests.conftest import NIK, Harness, build_settings, eventually, report, running, submission
from shared.bus import EventEnvelope, RabbitMqBus
from shared.bus.base import Delivery, Subscription
from shared.contracts.events import QUEUES, SKK_RECORDED
from shared.devdefaults import dev_webhook_secret


class LspServer:
    """A third-party-style receiver: verifies signatures, dedupes webhook-ids, down at first."""

    def __init__(self, down: int) -> None:
        self.down = down
        self.calls: list[str] = []
        self.effects: list[str] = []
        self.webhook = Webhook(dev_webhook_secret("LSP-A"))

    async def receive(self, request: Request) -> Response:
        body = (await request.body()).decode()
        self.calls.append(request.headers.get("webhook-id", ""))
        if len(self.calls) <= self.down:
            return Response("down", status_code=503)
        try:
            payload = self.webhook.verify(body, dict(request.headers))
        except WebhookVerificationError:
            return Response("bad signature", status_code=401)
        if request.headers["webhook-id"] not in self.effects:
            self.effects.append(request.headers["webhook-id"])
        return JSONResponse({"type": payload["type"]})


@contextlib.asynccontextmanager
async def serve(lsp: LspServer) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = Starlette(routes=[Route("/api/v1/webhooks/siki", lsp.receive, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def _cleanup_topology(amqp_url: str, exchange: str) -> None:
    async def noop(_: EventEnvelope, __: Delivery) -> None:
        return None

    bus = RabbitMqBus(amqp_url, exchange=exchange)
    bus.subscriptions = [Subscription(q, p, noop) for q, p in QUEUES.items()]
    await bus.delete_topology()
    await bus.stop()


@pytest.mark.postgres
@pytest.mark.rabbitmq
async def test_submit_deliver_report_on_postgres_and_rabbitmq(pg_url: str, amqp_url: str) -> None:
    lsp = LspServer(down=2)
    exchange = f"test.{uuid.uuid4().hex}"
    try:
        async with serve(lsp) as lsp_url:
            settings = build_settings(pg_url, amqp_url=amqp_url, bus_exchange=exchange,
                                      dev_lsp_urls={"LSP-A": lsp_url}, webhook_max_attempts=5,
                                      webhook_retry_base_seconds=0.05, webhook_retry_max_seconds=0.2)
            async with running(settings) as h:
                body = submission()
                app_id = body["id"]
                assert (await h.submit(body)).status_code == 202

                async def delivered() -> bool:
                    ds = await h.deliveries(application_id=app_id)
                    return bool(ds) and ds[0]["status"] == "delivered"

                await eventually(delivered, timeout=30, what="delivery through RabbitMQ")
                (d,) = await h.deliveries(application_id=app_id)
                assert [a["status_code"] for a in d["attempts"]] == [503, 503, 200]
                assert lsp.calls == [d["id"]] * 3 and lsp.effects == [d["id"]]
                assert [e["status"] for e in await h.timeline(app_id)] == ["submitted", "forwarded"]

                r = await h.report(app_id, report("invoiced"))
                assert r.status_code == 409
                rep = report("accepted")
                first = await h.report(app_id, rep)
                assert first.status_code == 200 and (await h.report(app_id, rep)).json() == first.json()
                assert [e["status"] for e in await h.timeline(app_id)] == ["submitted", "forwarded", "accepted"]

                await _record_skk(h, app_id)
                q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
                assert [k["recording_number"] for k in q.json()["skk"]] == ["LPJK-PG-1"]
    finally:
        await _cleanup_topology(amqp_url, exchange)


async def _record_skk(h: Harness, app_id: str) -> None:
    payload: dict[str, Any] = {
        "recording_number": "LPJK-PG-1", "skk_number": "SKK-PG-1", "registration_number": "REG-PG-1",
        "nik": NIK, "lsp_code": "LSP-A", "application_id": "older-app", "klasifikasi_code": "SI",
        "subklasifikasi_code": "SI02", "kualifikasi": "Teknisi/Analis", "jabatan_kerja_code": "SI022999",
        "jenjang": 4, "issued_on": "2024-01-01", "valid_until": (date.today() + timedelta(days=30)).isoformat(),
    }
    for _ in range(2):  # published twice: recorded once
        await h.publish(SKK_RECORDED, payload, "older-app")

    async def recorded() -> bool:
        r = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
        return len(r.json()["skk"]) >= 1

    await eventually(recorded, timeout=30, what="skk.recorded through RabbitMQ")
    await asyncio.sleep(0.3)  # let the duplicate arrive too
