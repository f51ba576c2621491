"""The portal against the real PostgreSQL and RabbitMQ: registration mail through the outbox and
the ``portal.mail`` queue, submission, SIKI's status events over the broker (duplicates
included), and the download event reaching SIKI's queue."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
import respx

from services.portal.events import MAIL_QUEUE
from services.portal.tests.factories import portal_settings, running_portal, status_event
from shared.bus import RabbitMqBus
from shared.bus.base import Subscription
from shared.contracts.events import QUEUES
from shared.tests.waiting import eventually

pytestmark = [pytest.mark.postgres, pytest.mark.rabbitmq]

CERT_PDF = b"%PDF-1.7\n% e-certificate\n%%EOF\n"
CERTIFICATE = {"skk_number": "SKK-1", "registration_number": "REG-1", "recording_number": "LPJK-1",
               "issued_on": "2026-02-01", "valid_until": "2031-02-01", "qr_payload": "payload.sig"}



async def _noop(*_: Any) -> None:
    return None


async def test_portal_on_postgres_and_rabbitmq(tmp_path: Path, pg_url: str, amqp_url: str) -> None:
    exchange = f"test.{uuid.uuid4().hex[:12]}"
    settings = portal_settings(tmp_path, pg_url, amqp_url=amqp_url, bus_exchange=exchange)
    # Plays SIKI's part on the broker: publishes status events.
    siki_bus = RabbitMqBus(amqp_url, exchange=exchange)
    try:
        async with running_portal(settings) as portal:
            headers = await portal.applicant("pg@example.id")  # the activation mail went through RabbitMQ
            app_id, _ = await portal.complete_draft(headers)
            with respx.mock:
                respx.post("http://siki.test/api/v1/applications").mock(return_value=httpx.Response(202, json={}))
                r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
            assert r.status_code == 200, r.text

            steps = ["submitted", "forwarded", "accepted", "invoiced", "payment_uploaded", "payment_verified",
                     "in_certification", "scheduled", "assessed", "competent", "skk_numbered", "recorded",
                     "certificate_issued"]
            invoice = {"number": "INV-1", "amount": "1000000", "currency": "IDR",
                       "issued_at": "2026-01-05T03:00:00Z", "due_date": "2026-01-14"}
            for seq, status in enumerate(steps, start=1):
                extra: dict[str, Any] = {}
                if status == "invoiced":
                    extra["invoice"] = invoice
                if status in ("recorded", "certificate_issued"):
                    extra["certificate"] = CERTIFICATE
                ev = status_event(app_id, seq, status, **extra)
                await siki_bus.publish(ev)
                if seq == 3:
                    await siki_bus.publish(ev)  # a duplicate delivery

            async def issued() -> bool:
                r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
                return bool(r.json()["status"] == "certificate_issued")

            await eventually(issued)
            app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)).json()
            assert [t["status"] for t in app["timeline"]] == ["draft", *steps]
            assert app["invoice"]["number"] == "INV-1"
            notes = (await portal.client.get("/api/v1/notifications", headers=headers)).json()
            assert len(notes) == len(steps)
            # Each step with an email sent one (through the broker, in whatever order the files
            # sort); among them "your certificate is ready", which names the application.
            mails = [await portal.next_mail() for _ in range(2)]
            while not any(app_id.encode() in m for m in mails):
                mails.append(await portal.next_mail())

            with respx.mock:
                respx.get(f"http://siki.test/api/v1/applications/{app_id}/certificate").mock(
                    return_value=httpx.Response(200, content=CERT_PDF))
                r = await portal.client.get(f"/api/v1/applications/{app_id}/certificate", headers=headers)
            assert r.status_code == 200 and r.content == CERT_PDF

            # The download event reaches SIKI's queue on the broker.
            conn = await aio_pika.connect_robust(amqp_url)
            try:
                ch = await conn.channel()
                queue = await ch.declare_queue(f"{exchange}.siki", passive=True)

                async def delivered() -> bool:
                    msg = await queue.get(no_ack=True, fail=False)
                    return msg is not None and msg.type == "portal.certificate_downloaded"

                await eventually(delivered)
            finally:
                await conn.close()
    finally:
        cleanup = RabbitMqBus(amqp_url, exchange=exchange)
        cleanup.subscriptions = [Subscription(q, p, _noop) for q, p in {**QUEUES, MAIL_QUEUE: []}.items()]
        await cleanup.delete_topology()
        await cleanup.stop()
        await siki_bus.stop()
