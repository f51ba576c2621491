"""The consumer-side producer check (shared/producers.py) and the broker user <-> service mapping
(shared/bus/users.py), without a broker."""

from __future__ import annotations

import pytest

from shared.bus import Delivery, EventEnvelope
from shared.bus.users import BrokerUsers, amqp_url_problems, dev_broker_password, with_credentials
from shared.contracts.events import IssuanceRequested, ReportPending, SkkRecorded, StatusChanged
from shared.producers import producer_refusal
from shared.settings import ServiceSettings


def envelope(type_: str, source: str) -> EventEnvelope:
    return EventEnvelope(type=type_, correlation_id="c1", source=source, payload={})


def delivery(producer: str | None, user: str | None = None) -> Delivery:
    return Delivery(1, 5, "siki", producer=producer, producer_user=user)


def test_the_catalogue_producer_is_allowed() -> None:
    assert producer_refusal(SkkRecorded, envelope("skk.recorded", "lpjk"), delivery("lpjk", "lpjk")) is None
    assert producer_refusal(StatusChanged, envelope("application.status_changed", "siki"), delivery("siki")) is None
    key = ReportPending.for_lsp("LSP-A")
    assert producer_refusal(ReportPending, envelope(key, "lsp:LSP-A"), delivery("lsp:LSP-A")) is None


@pytest.mark.parametrize("producer", ["siki", "lsp:LSP-A", "portal", "bnsp"])
def test_any_other_producer_of_skk_recorded_is_refused(producer: str) -> None:
    refusal = producer_refusal(SkkRecorded, envelope("skk.recorded", producer), delivery(producer))
    assert refusal is not None and refusal.code == "producer_not_allowed"
    assert refusal.reason == f"producer {producer!r} may not publish skk.recorded"


def test_a_source_the_vouched_producer_does_not_match_is_refused() -> None:
    # An LSP's broker user publishing an envelope that says "lpjk".
    refusal = producer_refusal(SkkRecorded, envelope("skk.recorded", "lpjk"), delivery("lsp:LSP-A", "lsp-LSP-A"))
    assert refusal is not None and refusal.code == "source_mismatch"
    assert refusal.reason == "producer 'lsp:LSP-A' may not publish skk.recorded as 'lpjk'"


def test_nobody_vouching_or_an_unknown_user_is_refused() -> None:
    none = producer_refusal(SkkRecorded, envelope("skk.recorded", "lpjk"), delivery(None))
    assert none is not None and none.code == "no_producer"
    unknown = producer_refusal(SkkRecorded, envelope("skk.recorded", "lpjk"), delivery(None, "intruder"))
    assert unknown is not None and unknown.code == "unknown_user" and "'intruder'" in unknown.reason


def test_an_lsp_cannot_publish_another_lsps_own_events() -> None:
    key = IssuanceRequested.for_lsp("LSP-A")
    refusal = producer_refusal(IssuanceRequested, envelope(key, "lsp:LSP-B"), delivery("lsp:LSP-B"))
    assert refusal is not None and refusal.code == "producer_not_allowed"


def test_broker_users_map_to_services_and_back() -> None:
    users = BrokerUsers()
    assert [users.user_for(s) for s in ("portal", "siki", "bnsp", "lpjk", "lsp:LSP-A")] == [
        "portal", "siki", "bnsp", "lpjk", "lsp-LSP-A"]
    assert users.service_for("lsp-LSP-A") == "lsp:LSP-A" and users.service_for("lpjk") == "lpjk"
    prefixed = BrokerUsers(prefix="t1-", explicit={"legacy-lpjk": "lpjk"})
    assert prefixed.service_for("t1-lsp-LSP-B") == "lsp:LSP-B"
    assert prefixed.service_for("lpjk") is None  # outside the prefix: stands for nobody
    assert prefixed.service_for("legacy-lpjk") == "lpjk" and prefixed.user_for("lpjk") == "legacy-lpjk"
    assert not prefixed.is_shared("guest") and BrokerUsers(shared=frozenset({"guest"})).is_shared("guest")


def test_settings_tie_the_amqp_user_to_the_service() -> None:
    ok = ServiceSettings(service_name="siki", amqp_url="amqp://siki:pw@127.0.0.1/")
    assert BrokerUsers.from_settings(ok).shared == frozenset({"guest"})  # dev mode: guest shared
    with pytest.raises(ValueError, match="does not stand for 'siki'"):
        ServiceSettings(service_name="siki", amqp_url="amqp://lpjk:pw@127.0.0.1/")


def test_production_refuses_guest_shared_users_and_dev_broker_passwords() -> None:
    users = BrokerUsers()
    dev_url = with_credentials("amqp://x@rabbitmq:5672/", "siki", dev_broker_password("siki"))
    problems = amqp_url_problems(dev_url, "siki", users, production=True)
    assert problems == ["SKK_AMQP_URL uses the dev broker password (derivable by anyone)"]
    assert dev_broker_password("siki") not in " ".join(problems)
    guest = amqp_url_problems("amqp://guest:guest@rabbitmq/", "siki", users, production=True)
    assert any("logs in as 'guest'" in p for p in guest)
    assert any("too weak: shorter than 32 bytes" in p for p in guest)
    weak = amqp_url_problems("amqp://siki:" + "a" * 36 + "@rabbitmq/", "siki", users, production=True)
    assert weak == ["SKK_AMQP_URL's password is too weak: fewer than 8 distinct characters"]
    shared = amqp_url_problems("amqp://siki:S3cure-broker-pw-0123456789abcdef@rabbitmq/", "siki", users,
                               production=True, shared_set=["guest"])
    assert shared and "SKK_BUS_SHARED_USERS" in shared[0]
    assert amqp_url_problems("amqp://siki:S3cure-broker-pw-0123456789abcdef@rabbitmq/", "siki", users,
                             production=True) == []
