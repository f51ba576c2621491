"""Who published an event on RabbitMQ: the broker user that vouched for it, and the service that
user stands for (docs/CONTRACTS.md "Event authenticity").

Every service connects as its own RabbitMQ user and sets the AMQP ``user_id`` property of what
it publishes to that user; the broker refuses a publish whose ``user_id`` is not the
connection's user, so on arrival ``user_id`` names the publisher. The user of a service is
``<prefix><service>``, with ``lsp-<code>`` for ``lsp:<code>`` (``portal``, ``siki``, ``bnsp``,
``lpjk``, ``lsp-LSP-A``, ...), unless a configured map says otherwise. A *shared* user (dev and
tests only: ``guest``) speaks for every service, like the in-process bus: one trust domain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlparse, urlunparse

from shared.secretpolicy import weakness

LSP_SERVICE_PREFIX = "lsp:"
LSP_USER_PREFIX = "lsp-"
DEV_SHARED_USERS = frozenset({"guest"})


def user_base(service: str) -> str:
    """``lsp:LSP-A`` -> ``lsp-LSP-A``; any other service name as it is."""
    if service.startswith(LSP_SERVICE_PREFIX):
        return LSP_USER_PREFIX + service[len(LSP_SERVICE_PREFIX):]
    return service


def service_of_base(user: str) -> str:
    """The inverse of :func:`user_base`."""
    if user.startswith(LSP_USER_PREFIX) and len(user) > len(LSP_USER_PREFIX):
        return LSP_SERVICE_PREFIX + user[len(LSP_USER_PREFIX):]
    return user


@dataclass(frozen=True)
class BrokerUsers:
    """The mapping between broker users and services, as every consumer applies it."""

    prefix: str = ""
    # Explicit broker user -> service entries (they win over the naming rule).
    explicit: Mapping[str, str] = field(default_factory=dict)
    # Users that speak for any service (the envelope's ``source`` is then believed).
    shared: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Any) -> BrokerUsers:
        shared = settings.bus_shared_users
        if shared is None:
            shared = DEV_SHARED_USERS if settings.is_dev else ()
        return cls(settings.bus_user_prefix, dict(settings.bus_users), frozenset(shared))

    def user_for(self, service: str) -> str:
        for user, svc in self.explicit.items():
            if svc == service:
                return user
        return self.prefix + user_base(service)

    def service_for(self, user: str) -> str | None:
        """The service ``user`` stands for, or None for a user that stands for none."""
        if user in self.explicit:
            return self.explicit[user]
        if not user.startswith(self.prefix) or len(user) == len(self.prefix):
            return None
        return service_of_base(user[len(self.prefix):])

    def is_shared(self, user: str) -> bool:
        return user in self.shared


# Dev mode's broker users: the default a bus gets when none is configured.
DEV_BROKER_USERS = BrokerUsers(shared=DEV_SHARED_USERS)


def dev_broker_password(user: str) -> str:
    """``user``'s dev-only broker password, derivable by anyone: production refuses it."""
    return hashlib.sha256(f"skk-dev-only:broker:{user}".encode()).hexdigest()[:32]


def amqp_user(url: str) -> str:
    """The user an AMQP URL logs in as (AMQP's default is ``guest``)."""
    return unquote(urlparse(url).username or "guest")


def amqp_password(url: str) -> str:
    return unquote(urlparse(url).password or "guest")


def with_credentials(url: str, user: str, password: str) -> str:
    """``url`` logging in as ``user`` instead."""
    u = urlparse(url)
    host = u.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{u.port}" if u.port else "")
    return urlunparse(u._replace(netloc=netloc))


def amqp_url_problems(url: str | None, service_name: str, users: BrokerUsers, *,
                      production: bool, shared_set: Iterable[str] = ()) -> list[str]:
    """What is wrong with a service's broker identity (messages never echo a password)."""
    if not url:
        return []
    problems: list[str] = []
    user = amqp_user(url)
    if production:
        if list(shared_set):
            problems.append("SKK_BUS_SHARED_USERS must be empty in production (a shared broker user "
                            "could speak for every service)")
        if user in DEV_SHARED_USERS:
            problems.append(f"SKK_AMQP_URL logs in as {user!r}; production needs the service's own broker user")
        if amqp_password(url) == dev_broker_password(user):
            problems.append("SKK_AMQP_URL uses the dev broker password (derivable by anyone)")
        elif weak := weakness(amqp_password(url)):
            problems.append(f"SKK_AMQP_URL's password is too weak: {weak}")
    if not users.is_shared(user) and users.service_for(user) != service_name:
        problems.append(f"SKK_AMQP_URL logs in as {user!r}, which does not stand for {service_name!r} "
                        f"(expected {users.user_for(service_name)!r})")
    return problems
