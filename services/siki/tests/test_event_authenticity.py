"""Attack 2 of issue 11: an ``skk.recorded`` published by anyone but LPJK put a made-up SKK into
SIKI's register. Now SIKI refuses it (docs/CONTRACTS.md "Event authenticity"): it never reaches
the register, lands in the dead-letter queue with its reason (redelivery is refused again), is
counted in ``events_refused_total`` and logged once; on both transports. On RabbitMQ every
service logs in as its own broker user, as deployed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import aio_pika
import aiormq
import pytest
from structlog.testing import capture_logs

from services.siki.tests.conftest import NIK, Harness, build_settings, eventually, running
from shared.bus import EventEnvelope, RabbitMqBus
from shared.bus.base import Delivery, Subscription
from shared.contracts.events import QUEUES, SkkRecorded
from shared.tests.brokerusers import ProvisionedBroker, provisioned_broker

SIKI_REFUSES = "producer {!r} may not publish skk.recorded"


def forged(source: str, number: str) -> EventEnvelope:
    payload = SkkRecorded(
        recording_number=number, skk_number=f"SKK-{number}", registration_number=f"REG-{number}", nik=NIK,
        lsp_code="LSP-A", application_id=f"app-{number}", klasifikasi_code="SI", subklasifikasi_code="SI01",
        kualifikasi="Ahli", jabatan_kerja_code="SI011", jenjang=7, issued_on=date.today(),
        valid_until=date.today() + timedelta(days=365 * 5),
    ).model_dump(mode="json")
    return EventEnvelope(type=SkkRecorded.event_type, correlation_id=uuid.uuid4().hex,
                         application_id=f"app-{number}", source=source, payload=payload)


async def register(h: Harness) -> list[str]:
    r = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
    assert r.status_code == 200, r.text
    return sorted(k["recording_number"] for k in r.json()["skk"])


def refused_count(h: Harness, reason: str) -> float:
    value = h.runtime.registry.get_sample_value(
        "events_refused_total", {"queue": "siki", "type": "skk.recorded", "reason": reason})
    return value or 0.0


async def dead_reasons(h: Harness, count: int) -> dict[str, str | None]:
    async def parked() -> bool:
        return len(await h.runtime.bus.dead_letter_records("siki")) == count

    await eventually(parked, what=f"{count} dead letters")
    return {str(d.event.payload["recording_number"]): d.refused_reason
            for d in await h.runtime.bus.dead_letter_records("siki")}


async def test_forged_skk_recorded_is_refused_on_the_in_process_bus(sqlite_url: str) -> None:
    async with running(build_settings(sqlite_url)) as h:
        with capture_logs() as logs:
            for source, number in [("siki", "F-SIKI"), ("lsp:LSP-A", "F-LSP")]:
                await h.runtime.bus.publish(forged(source, number))
            reasons = await dead_reasons(h, 2)
        assert reasons == {"F-SIKI": SIKI_REFUSES.format("siki"), "F-LSP": SIKI_REFUSES.format("lsp:LSP-A")}
        assert await register(h) == []  # nothing changed
        assert refused_count(h, "producer_not_allowed") == 2
        warnings = [e for e in logs if e["log_level"] == "warning"]
        assert [(e["event"], e["event_type"], e["queue"]) for e in warnings] == [
            ("event refused", "skk.recorded", "siki")] * 2
        assert not any(NIK in str(e) or "payload" in e for e in logs)  # no personal data in the log

        # An operator redelivering them: refused again, still parked with the reason.
        assert await h.runtime.bus.redeliver_dead_letters("siki") == 2
        await eventually(lambda: _ready(refused_count(h, "producer_not_allowed") == 4), what="second refusal")
        assert (await dead_reasons(h, 2))["F-SIKI"] == SIKI_REFUSES.format("siki")
        assert await register(h) == []

        # LPJK's own event still takes effect.
        await h.runtime.bus.publish(forged("lpjk", "LPJK-1"))
        await eventually(lambda: _has(h, ["LPJK-1"]), what="the genuine skk.recorded")


async def _ready(value: bool) -> bool:
    return value


async def _has(h: Harness, numbers: list[str]) -> bool:
    return await register(h) == numbers


@pytest.fixture(scope="module")
def broker(amqp_url: str) -> Iterator[ProvisionedBroker]:
    with provisioned_broker(amqp_url) as b:
        yield b


@pytest.mark.postgres
@pytest.mark.rabbitmq
async def test_forged_skk_recorded_is_refused_on_rabbitmq_with_a_user_per_service(
        pg_url: str, amqp_url: str, broker: ProvisionedBroker) -> None:
    settings = build_settings(pg_url, amqp_url=broker.url("siki"), bus_exchange=broker.exchange,
                              bus_user_prefix=broker.prefix, bus_shared_users=[])
    others: list[RabbitMqBus] = []
    try:
        async with running(settings) as h:
            # Through the exchange, the broker already refuses: an LSP may not publish skk.recorded.
            lsp = broker.bus("lsp:LSP-A")
            others.append(lsp)
            with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
                await asyncio.wait_for(lsp.publish(forged("lsp:LSP-A", "F-TOPIC")), 5)
            # Straight into SIKI's queue (default exchange): as SIKI's own user, as the LSP, and
            # as the LSP lying about the source and claiming LPJK's user in the header.
            await _inject(broker, h, "siki", forged("siki", "F-SIKI"))
            await _inject(broker, h, "lsp:LSP-A", forged("lsp:LSP-A", "F-LSP"))
            await _inject(broker, h, "lsp:LSP-A", forged("lpjk", "F-LIE"), claim=broker.user("lpjk"))
            reasons = await dead_reasons(h, 3)
            assert reasons == {
                "F-SIKI": SIKI_REFUSES.format("siki"), "F-LSP": SIKI_REFUSES.format("lsp:LSP-A"),
                "F-LIE": "producer 'lsp:LSP-A' may not publish skk.recorded as 'lpjk'",
            }
            assert await register(h) == []
            assert refused_count(h, "producer_not_allowed") == 2 and refused_count(h, "source_mismatch") == 1

            assert await h.runtime.bus.redeliver_dead_letters("siki") == 3  # refused again
            await eventually(lambda: _ready(refused_count(h, "producer_not_allowed") == 4), what="second refusal")
            assert (await dead_reasons(h, 3))["F-LIE"] == reasons["F-LIE"]
            assert await register(h) == []

            lpjk = broker.bus("lpjk")  # the real producer, with its own user
            others.append(lpjk)
            await lpjk.publish(forged("lpjk", "LPJK-1"))
            await eventually(lambda: _has(h, ["LPJK-1"]), timeout=20, what="the genuine skk.recorded")
    finally:
        for bus in others:
            await bus.stop()
        await _delete_topology(amqp_url, broker.exchange)


async def _inject(broker: ProvisionedBroker, h: Harness, service: str, ev: EventEnvelope,
                  claim: str | None = None) -> None:
    conn = await aio_pika.connect(broker.url(service))
    try:
        ch = await conn.channel(publisher_confirms=True)
        headers: dict[str, Any] = {"x-skk-producer-user": claim} if claim else {}
        await ch.default_exchange.publish(
            aio_pika.Message(ev.model_dump_json().encode(), user_id=broker.user(service), headers=headers),
            routing_key=f"{broker.exchange}.siki")
    finally:
        await conn.close()


async def _delete_topology(amqp_url: str, exchange: str) -> None:
    async def noop(_: EventEnvelope, __: Delivery) -> None:
        return None

    admin = RabbitMqBus(amqp_url, exchange=exchange)
    admin.subscriptions = [Subscription(q, p, noop) for q, p in QUEUES.items()]
    await admin.delete_topology()
    await admin.stop()
