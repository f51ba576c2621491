"""The event bus: one interface, two transports (RabbitMQ and in-process)."""

from shared.bus.base import DeadLetter, Delivery, EventBus, Handler, RefusedEvent, RetryPolicy, topic_matches
from shared.bus.envelope import EventEnvelope, utcnow
from shared.bus.inprocess import BusUnavailable, InProcessBus
from shared.bus.rabbitmq import RabbitMqBus
from shared.bus.users import BrokerUsers

__all__ = [
    "BrokerUsers",
    "BusUnavailable",
    "DeadLetter",
    "Delivery",
    "EventBus",
    "EventEnvelope",
    "Handler",
    "InProcessBus",
    "RabbitMqBus",
    "RefusedEvent",
    "RetryPolicy",
    "make_bus",
    "topic_matches",
    "utcnow",
]


def make_bus(amqp_url: str | None, *, exchange: str = "skk.events", policy: RetryPolicy | None = None,
             prefetch: int = 16, shared_inprocess: InProcessBus | None = None,
             users: BrokerUsers | None = None) -> EventBus:
    """RabbitMQ when a URL is given (``users``: how broker users map to services); otherwise the
    in-process bus (one shared by every service in the embedded mode)."""
    if amqp_url:
        return RabbitMqBus(amqp_url, exchange=exchange, default_policy=policy, prefetch=prefetch, users=users)
    return shared_inprocess if shared_inprocess is not None else InProcessBus(policy)
