"""The broker vouches for the producer (docs/CONTRACTS.md "Event authenticity"), on the real
RabbitMQ with one user per service as ``scripts.broker_users`` provisions them: the AMQP
``user_id`` must be the connection's user, topic permissions limit each user to its own routing
keys, and a consumer's retries and redeliveries keep the producer the broker vouched for."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date

import aio_pika
import aiormq
import pytest

from scripts.broker_users import Rabbitmqctl, definitions, ensure, existing_users, plan, remove
from shared.bus import Delivery, EventEnvelope, RabbitMqBus, RetryPolicy
from shared.bus.base import Subscription
from shared.bus.rabbitmq import PRODUCER_HEADER
from shared.bus.users import dev_broker_password
from shared.contracts.events import ReportPending, SkkRecorded
from shared.tests.brokerusers import ProvisionedBroker, provisioned_broker
from shared.tests.test_bus_conformance import eventually

pytestmark = pytest.mark.rabbitmq


@pytest.fixture(scope="module")
def broker(amqp_url: str) -> Iterator[ProvisionedBroker]:
    with provisioned_broker(amqp_url) as b:
        yield b


@pytest.fixture
async def cleanup(broker: ProvisionedBroker, amqp_url: str) -> AsyncIterator[list[RabbitMqBus]]:
    buses: list[RabbitMqBus] = []
    yield buses
    for bus in buses:
        await bus.stop()

    async def noop(_: EventEnvelope, __: Delivery) -> None:
        return None

    admin = RabbitMqBus(amqp_url, exchange=broker.exchange)
    admin.subscriptions = [Subscription(q, [], noop) for q in ("watch", "siki")]
    await admin.delete_topology()
    await admin.stop()


def skk(source: str, **payload: object) -> EventEnvelope:
    body = SkkRecorded(recording_number="R-1", skk_number="SKK-1", registration_number="REG-1",
                       nik="3171000000000001", lsp_code="LSP-A", application_id="app-1", klasifikasi_code="SI",
                       subklasifikasi_code="SI01", kualifikasi="Ahli", jabatan_kerja_code="SI011",
                       jenjang=7, issued_on=date(2026, 1, 1), valid_until=date(2031, 1, 1))
    return EventEnvelope(type=SkkRecorded.event_type, correlation_id=uuid.uuid4().hex, application_id="app-1",
                         source=source, payload={**body.model_dump(mode="json"), **payload})


def typed(type_: str, source: str) -> EventEnvelope:
    return EventEnvelope(type=type_, correlation_id=uuid.uuid4().hex, source=source, payload={})


async def watch(broker: ProvisionedBroker, amqp_url: str, buses: list[RabbitMqBus]) -> list[EventEnvelope]:
    """Everything that reaches the exchange, seen by the administrator."""
    seen: list[EventEnvelope] = []

    async def on(ev: EventEnvelope, _: Delivery) -> None:
        seen.append(ev)

    admin = RabbitMqBus(amqp_url, exchange=broker.exchange)
    admin.subscribe("watch", ["#"], on)
    await admin.start()
    buses.append(admin)
    return seen


async def test_a_publisher_claiming_another_user_cannot_publish(
        broker: ProvisionedBroker, amqp_url: str, cleanup: list[RabbitMqBus]) -> None:
    seen = await watch(broker, amqp_url, cleanup)
    # SIKI's and an LSP's credentials, each claiming to be LPJK, on routing keys their own
    # topic permissions allow: the broker refuses the user_id (the channel is closed with
    # PRECONDITION_FAILED), publish raises at once, never hangs.
    for service, ev in [("siki", typed("application.status_changed", "lpjk")),
                        ("lsp:LSP-A", typed(ReportPending.for_lsp("LSP-A"), "lpjk"))]:
        forger = broker.bus(service, user_id=broker.user("lpjk"))
        cleanup.append(forger)
        for _ in range(2):  # and again on the fresh channel
            with pytest.raises(aiormq.exceptions.ChannelPreconditionFailed, match="user_id property set to"):
                await asyncio.wait_for(forger.publish(ev), 5)
    honest = broker.bus("siki")
    cleanup.append(honest)
    ok = typed("application.status_changed", "siki")
    await honest.publish(ok)
    await eventually(lambda: len(seen) == 1)
    await asyncio.sleep(0.3)
    assert [e.id for e in seen] == [ok.id]  # nothing of the forger's was delivered


async def test_a_user_cannot_publish_outside_its_topic_permissions(
        broker: ProvisionedBroker, amqp_url: str, cleanup: list[RabbitMqBus]) -> None:
    seen = await watch(broker, amqp_url, cleanup)
    lsp_a = broker.bus("lsp:LSP-A")
    bnsp = broker.bus("bnsp")
    cleanup += [lsp_a, bnsp]
    for bus, ev in [(lsp_a, skk("lsp:LSP-A")), (lsp_a, typed(ReportPending.for_lsp("LSP-B"), "lsp:LSP-A")),
                    (lsp_a, typed("application.status_changed", "lsp:LSP-A")), (bnsp, skk("bnsp")),
                    (broker.bus("siki"), skk("siki"))]:
        cleanup.append(bus)
        with pytest.raises(aiormq.exceptions.ChannelAccessRefused, match="access to topic"):
            await asyncio.wait_for(bus.publish(ev), 5)
    own = typed(ReportPending.for_lsp("LSP-A"), "lsp:LSP-A")
    await lsp_a.publish(own)
    recorded = skk("lpjk")
    lpjk = broker.bus("lpjk")
    cleanup.append(lpjk)
    await lpjk.publish(recorded)
    await eventually(lambda: len(seen) == 2)
    await asyncio.sleep(0.3)
    assert sorted(e.id for e in seen) == sorted([own.id, recorded.id])


async def test_retries_and_redelivery_keep_the_producer_the_broker_vouched_for(
        broker: ProvisionedBroker, amqp_url: str, cleanup: list[RabbitMqBus]) -> None:
    consumer = broker.bus("siki", policy=RetryPolicy(max_attempts=3, base_seconds=0.05, max_seconds=0.2))
    cleanup.append(consumer)
    seen: list[tuple[str, int, str | None, str | None]] = []
    healed = asyncio.Event()

    async def handler(ev: EventEnvelope, d: Delivery) -> None:
        seen.append((str(ev.payload["recording_number"]), d.attempt, d.producer, d.producer_user))
        if ev.payload["recording_number"] == "flaky" and d.attempt < 2:
            raise RuntimeError("once more")
        if ev.payload["recording_number"] == "broken" and not healed.is_set():
            raise RuntimeError("always")

    consumer.subscribe("siki", [SkkRecorded.event_type], handler)
    await consumer.start()
    lpjk = broker.bus("lpjk")
    cleanup.append(lpjk)
    lpjk_user = broker.user("lpjk")

    await lpjk.publish(skk("lpjk", recording_number="flaky"))
    await eventually(lambda: len(seen) == 2)
    # The retry was republished by SIKI under its own user: the producer is still LPJK.
    assert seen == [("flaky", 1, "lpjk", lpjk_user), ("flaky", 2, "lpjk", lpjk_user)]

    seen.clear()
    await lpjk.publish(skk("lpjk", recording_number="broken"))

    async def parked() -> bool:
        return len(await consumer.dead_letter_records("siki")) == 1

    await eventually(parked)
    (dead,) = await consumer.dead_letter_records("siki")
    assert dead.producer_user == lpjk_user and dead.error and "always" in dead.error
    healed.set()
    assert await consumer.redeliver_dead_letters("siki") == 1  # the operator, with SIKI's credentials
    await eventually(lambda: len(seen) == 4)
    assert seen[-1] == ("broken", 1, "lpjk", lpjk_user)


async def test_a_carried_producer_from_another_user_is_not_believed(
        broker: ProvisionedBroker, amqp_url: str, cleanup: list[RabbitMqBus]) -> None:
    consumer = broker.bus("siki")
    cleanup.append(consumer)
    seen: list[tuple[str, str | None, str | None]] = []

    async def handler(ev: EventEnvelope, d: Delivery) -> None:
        seen.append((str(ev.payload["recording_number"]), d.producer, d.producer_user))

    consumer.subscribe("siki", [SkkRecorded.event_type], handler)
    await consumer.start()
    # An LSP writes straight into SIKI's queue (the default exchange has no topic permissions),
    # claiming in the header to carry LPJK's event; then without any user_id at all.
    conn = await aio_pika.connect(broker.url("lsp:LSP-A"))
    try:
        ch = await conn.channel(publisher_confirms=True)
        for number, user_id in [("claimed", broker.user("lsp:LSP-A")), ("anonymous", None)]:
            ev = skk("lpjk", recording_number=number)
            await ch.default_exchange.publish(
                aio_pika.Message(ev.model_dump_json().encode(), user_id=user_id,
                                 headers={PRODUCER_HEADER: broker.user("lpjk")}),
                routing_key=consumer.queue_name("siki"))
    finally:
        await conn.close()
    await eventually(lambda: len(seen) == 2)
    assert sorted(seen, key=lambda s: s[0]) == [
        ("anonymous", None, None), ("claimed", "lsp:LSP-A", broker.user("lsp:LSP-A"))]


def test_provisioning_is_idempotent_and_removal_cleans_up() -> None:
    ctl = Rabbitmqctl()
    prefix = f"skkt-{uuid.uuid4().hex[:8]}-"
    grants = plan(exchange="test.prov", prefix=prefix, lsp_codes=["LSP-Z"])
    users = [g.user for g in grants]
    assert users == [f"{prefix}{u}" for u in ("portal", "siki", "bnsp", "lpjk", "lsp-LSP-Z")]
    try:
        assert ensure(grants, ctl=ctl) == users
        assert ensure(grants, ctl=ctl) == []  # a second run changes nothing that matters
        topic = {str(p["user"]): p for p in ctl.json("list_topic_permissions", "-p", "/")}
        assert topic[f"{prefix}lpjk"]["write"] == r"^(skk\.recorded|certificate\.status_changed)$"
        assert topic[f"{prefix}lsp-LSP-Z"]["write"] == (
            r"^(lsp\.LSP\-Z\.report_pending|lsp\.LSP\-Z\.issuance_requested|lsp\.LSP\-Z\.forms_pending"
            r"|lsp\.LSP\-Z\.email_requested)$")
        assert topic[f"{prefix}bnsp"]["write"] == "^(?!)$"  # publishes nothing
        perms = {str(p["user"]): p for p in ctl.json("list_permissions", "-p", "/")}
        assert perms[f"{prefix}siki"]["read"] == r"^test\.prov(\.siki(\..*)?)?$"  # its own queues only
        ctl("authenticate_user", f"{prefix}siki", dev_broker_password(f"{prefix}siki"))
    finally:
        remove(users, ctl=ctl)
    assert not set(users) & existing_users(ctl)


def test_definitions_hold_password_hashes_only() -> None:
    grants = plan(prefix="x-")
    text = json.dumps(definitions(grants, admin=("skk", "admin-secret-value")))
    assert dev_broker_password("x-siki") not in text and "admin-secret-value" not in text
    doc = json.loads(text)
    assert [u["name"] for u in doc["users"]] == ["skk", *(g.user for g in grants)]
    assert doc["users"][0]["tags"] == ["administrator"]
    assert {(t["user"], t["exchange"]) for t in doc["topic_permissions"]} == {(g.user, "skk.events") for g in grants}
