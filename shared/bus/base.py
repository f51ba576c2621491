"""One interface for both transports.

Semantics both transports guarantee (and ``shared/tests/test_bus_conformance.py`` checks):
- ``publish`` returns once the event is safely accepted (publisher confirm for RabbitMQ);
- each subscription is a durable named queue bound to topic patterns; every queue gets its own
  copy of an event;
- a handler that raises gets the event again after a backoff, up to ``max_attempts``; then the
  event goes to the queue's dead-letter queue (``dead_letters``), never lost, never looping;
- events of one application (``application_id``) are handled one at a time, in publish order,
  also through retries: a failing event holds its application's later events until it succeeds
  or is dead-lettered (other applications keep flowing); on RabbitMQ this holds with several
  consumer processes per queue too (single-active-consumer queues);
- a handler that raises :class:`RefusedEvent` refuses the event for good: it goes to the
  dead-letter queue at once, never retried, with the reason on the dead letter (and operator
  redelivery meets the same refusal again);
- each delivery names the producer the transport vouches for (``Delivery.producer``): on
  RabbitMQ the service of the broker user in the AMQP ``user_id`` (``shared.bus.users``), on the
  in-process bus (one trust domain) the envelope's ``source`` as its runtime set it;
- delivery is at least once: pair handlers with the inbox (``shared.inbox``) for exactly-once
  effect.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from shared.bus.envelope import EventEnvelope


class RefusedEvent(Exception):
    """Raised by a handler: this event must never take effect here (for example a producer not
    allowed for its type). Both transports dead-letter it at once, with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DeadLetter:
    """An event parked in a dead-letter queue, and why."""

    event: EventEnvelope
    refused_reason: str | None = None  # set when a handler refused it (RefusedEvent)
    error: str | None = None  # the last handler error when its attempts ran out
    producer_user: str | None = None  # the broker user that vouched for it (RabbitMQ)


@dataclass(frozen=True)
class Delivery:
    attempt: int  # 1 for the first delivery
    max_attempts: int
    queue: str
    # The service the transport vouches published this event (None: nobody vouches for it).
    producer: str | None = None
    # On RabbitMQ, the broker user behind ``producer`` (the AMQP user_id of the first publish).
    producer_user: str | None = None

    @property
    def is_last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts


Handler = Callable[[EventEnvelope, Delivery], Awaitable[None]]


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    base_seconds: float = 0.2
    max_seconds: float = 5.0

    def delay(self, attempt: int) -> float:
        """Delay before delivery ``attempt + 1`` after delivery ``attempt`` failed."""
        return float(min(self.max_seconds, self.base_seconds * (2 ** (attempt - 1))))


@dataclass
class Subscription:
    queue: str
    patterns: list[str]
    handler: Handler
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    concurrency: int = 16


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is one word, ``#`` zero or more."""
    pw = pattern.split(".")
    kw = routing_key.split(".")

    def match(i: int, j: int) -> bool:
        if i == len(pw):
            return j == len(kw)
        if pw[i] == "#":
            return any(match(i + 1, k) for k in range(j, len(kw) + 1))
        if j == len(kw):
            return False
        return pw[i] in ("*", kw[j]) and match(i + 1, j + 1)

    return match(0, 0)


class EventBus(ABC):
    def __init__(self, default_policy: RetryPolicy | None = None) -> None:
        self.default_policy = default_policy or RetryPolicy()
        self.subscriptions: list[Subscription] = []

    def subscribe(
        self,
        queue: str,
        patterns: list[str],
        handler: Handler,
        *,
        policy: RetryPolicy | None = None,
        concurrency: int = 16,
    ) -> None:
        """Register before ``start``. ``queue`` names the consumer (for example ``portal``)."""
        self.subscriptions.append(
            Subscription(queue, list(patterns), handler, policy or self.default_policy, concurrency)
        )

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def publish(self, event: EventEnvelope) -> None: ...

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the transport cannot take events now (used by ``/readyz``)."""

    async def dead_letters(self, queue: str) -> list[EventEnvelope]:
        """The events parked in ``queue``'s dead-letter queue (for operators and tests)."""
        return [d.event for d in await self.dead_letter_records(queue)]

    @abstractmethod
    async def dead_letter_records(self, queue: str) -> list[DeadLetter]:
        """The parked events of ``queue`` with why each was parked (not consumed by reading)."""

    async def dead_letter_count(self, queue: str) -> int:
        """How many events ``queue``'s dead-letter queue holds (metrics; cheap on RabbitMQ)."""
        return len(await self.dead_letter_records(queue))

    @abstractmethod
    async def redeliver_dead_letters(self, queue: str) -> int:
        """Move every parked event of ``queue`` back for a fresh round of attempts."""
