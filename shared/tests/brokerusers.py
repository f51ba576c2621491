"""Per-service broker users for tests on the real RabbitMQ: provisioned with a unique prefix (by
``scripts.broker_users``: rabbitmqctl, as root, as CI runs) and deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from scripts.broker_users import BrokerUsersError, Grant, ensure, plan, remove, service_url
from shared.bus import BrokerUsers, RabbitMqBus, RetryPolicy


@dataclass
class ProvisionedBroker:
    admin_url: str
    prefix: str
    exchange: str
    grants: dict[str, Grant] = field(default_factory=dict)

    @property
    def users(self) -> BrokerUsers:
        """How every consumer maps users: this prefix, nobody shared (as deployed)."""
        return BrokerUsers(prefix=self.prefix)

    def user(self, service: str) -> str:
        return self.grants[service].user

    def url(self, service: str) -> str:
        return service_url(self.admin_url, self.grants[service])

    def bus(self, service: str, *, user_id: str | None = None, policy: RetryPolicy | None = None) -> RabbitMqBus:
        """A bus logged in as ``service``'s own user (``user_id``: claim another user on publish)."""
        return RabbitMqBus(self.url(service), exchange=self.exchange, users=self.users, user_id=user_id,
                           default_policy=policy)


@contextmanager
def provisioned_broker(admin_url: str) -> Iterator[ProvisionedBroker]:
    tag = uuid.uuid4().hex[:8]
    broker = ProvisionedBroker(admin_url, prefix=f"skkt-{tag}-", exchange=f"test.auth.{tag}")
    grants = plan(exchange=broker.exchange, prefix=broker.prefix)
    try:
        created = ensure(grants)
    except BrokerUsersError as exc:
        pytest.fail(f"cannot provision broker users ({exc}); these tests run rabbitmqctl as root, as CI does")
    broker.grants = {g.service: g for g in grants}
    try:
        yield broker
    finally:
        remove(created)
