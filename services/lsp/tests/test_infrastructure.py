"""The workflow against the real PostgreSQL and RabbitMQ: migrations, the outbox relay, the
report consumer on the LSP's queue, and SIKI failing before it takes the reports."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
import respx

from services.lsp.tests.support import drive, running, settings_for
from shared.bus import RabbitMqBus
from shared.bus.base import Subscription
from shared.contracts.events import QUEUES


@pytest.mark.postgres
@pytest.mark.rabbitmq
async def test_workflow_on_postgres_and_rabbitmq(pg_url: str, amqp_url: str, siki: respx.Route) -> None:
    siki.side_effect = [httpx.Response(503), httpx.Response(200), httpx.Response(500)] + \
        [httpx.Response(200)] * 20
    exchange = f"test.{uuid.uuid4().hex}"
    settings = settings_for(pg_url, amqp_url=amqp_url, bus_exchange=exchange)
    try:
        async with running(settings) as lsp:
            aid = await drive(lsp, "forwarded")
            r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
            assert r.status_code == 200, r.text
            first = r.json()["invoice"]["number"]
            view = await lsp.wait_reports_sent(aid, limit_seconds=20)
            assert [x["status"] for x in view["reports"]] == ["accepted", "invoiced"]
            # The database refuses a second booking of the same assessor and day (unique key).
            a = await drive(lsp, "in_certification")
            b = await drive(lsp, "in_certification")
            body = {"assessor_username": "asesor2", "tuk_code": "TUK-A-01",
                    "scheduled_at": "2999-03-01T09:00:00+07:00"}
            assert (await lsp.post(a, "schedule", body, "admin")).status_code == 200
            r = await lsp.post(b, "schedule", body, "admin")
            assert r.status_code == 409 and r.json()["field"] == "assessor_username"
            second = (await lsp.get(b))["invoice"]["number"]
            assert first != second
        sent = [json.loads(c.request.content)["status"] for c in siki.calls if c.response.status_code == 200]
        assert sent[:2] == ["accepted", "invoiced"]
    finally:
        cleaner = RabbitMqBus(amqp_url, exchange=exchange)
        cleaner.subscriptions = [Subscription(q, p, _noop) for q, p in
                                 {**QUEUES, settings.bus_queue: ["#"]}.items()]
        await cleaner.delete_topology()
        await cleaner.stop()


async def _noop(*_: object) -> None:
    return None
