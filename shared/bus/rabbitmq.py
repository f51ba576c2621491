"""The RabbitMQ transport (aio-pika).

Topology, for an exchange ``X`` and a consumer queue ``q``:
- ``X``: durable topic exchange every event is published to (persistent, publisher confirms);
- ``X.q``: durable queue bound to the subscription's patterns, consumed with manual acks, and
  declared ``x-single-active-consumer`` (below);
- ``X.q.retry``: durable queue without consumers, kept for messages parked there by earlier
  versions (its per-message TTL dead-letters them back into ``X.q``); nothing new goes there;
- ``X.q.dead``: durable dead-letter queue for events that failed ``max_attempts`` times.

Order per application survives retries: a failed event is retried *in place*, after its backoff,
while the consumer holds the application's key lock and has not acked it; the application's later
events (already delivered within the prefetch window) wait on that lock, other applications'
events keep flowing. Only success, a refusal or the last failed attempt (to ``X.q.dead``,
confirmed, then acked) release it. A crash in between leaves the event unacked: the broker puts
it back at its place in the queue and redelivers it first; the inbox absorbs a duplicate. (The
earlier design republished a failure to ``X.q.retry`` and acked it, so its later events overtook
it.) An event a handler refuses (:class:`RefusedEvent`) goes to ``X.q.dead`` at once with the
header ``x-refused-reason``.

Several consumers of one queue (replicas, each process its own ``RabbitMqBus``): every ``X.q`` is
a *single-active-consumer* queue: the broker delivers to one consumer at a time and hands the
queue, with its unacked events requeued in order, to the next one when it goes away (why not
partitions or plain competing consumers: README, "Reliability"). A queue an earlier version
declared without the argument (a redeclare with it fails, and no policy can set it) is detected
and consumed as it is, with one WARNING; ``python -m shared.bus.upgrade`` (chain stopped)
redeclares it, keeping its events in order.

Broker outages: the connection is robust (aio-pika reconnects and restores channels, queues and
consumers). aio-pika/aiormq's own reconnect noise is filtered out (``shared.logging``); this
module writes one WARNING when the connection is lost, one INFO with the attempt count when it
is back, and an ERROR only if the broker stays unreachable for long (``shared/bus/outage.py``).

Who published (docs/CONTRACTS.md "Event authenticity"): every message carries the AMQP
``user_id`` of its publisher's connection, which the broker validates. A consumer republishes
(to ``.retry``, ``.dead``, back from ``.dead``) under its own user, so it carries the original
publisher's user in ``x-skk-producer-user``; that header is believed only on a message whose
``user_id`` is the consumer's own user (only this service's credentials can publish one), never
on anyone else's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)

from shared.bus import dead_letters
from shared.bus.base import (
    DeadLetter,
    Delivery,
    EventBus,
    RefusedEvent,
    RetryPolicy,
    Subscription,
    topic_matches,
)
from shared.bus.dead_letters import ATTEMPT_HEADER, ERROR_HEADER, PRODUCER_HEADER, REFUSED_HEADER, header
from shared.bus.envelope import EventEnvelope
from shared.bus.keyed_lock import KeyedLock
from shared.bus.outage import OutageReport
from shared.bus.users import DEV_BROKER_USERS, BrokerUsers, amqp_user
from shared.logging import correlation_id_var, get_logger, quiet_broker_libraries

log = get_logger(__name__)

SAC_ARGUMENTS: dict[str, Any] = {"x-single-active-consumer": True}


class _LegacyQueue(Exception):
    """A consumer queue an earlier version declared without ``x-single-active-consumer``."""


def _where(url: str) -> str:
    u = urlparse(url)
    return f"{u.hostname}:{u.port or 5672}{u.path or '/'}"


class RabbitMqBus(EventBus):
    def __init__(
        self,
        url: str,
        exchange: str = "skk.events",
        default_policy: RetryPolicy | None = None,
        prefetch: int = 16,
        users: BrokerUsers | None = None,
        user_id: str | None = None,
    ) -> None:
        super().__init__(default_policy)
        self.url = url
        self.users = users if users is not None else DEV_BROKER_USERS
        # The connection's user, and the user_id set on publish (the same, but for tests that
        # show the broker refusing a publish that claims another user).
        self.user = amqp_user(url)
        self.user_id = user_id or self.user
        self.exchange_name = exchange
        self.prefetch = prefetch
        self.publish_timeout = 10.0
        self._conn: AbstractRobustConnection | None = None
        self._pub_channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._consumer_channels: list[AbstractChannel] = []
        self._consumer_tags: list[tuple[AbstractQueue, str]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pub_lock = asyncio.Lock()
        self._legacy_queues: set[str] = set()
        # Broker outages: one WARNING when lost, one INFO when back, ERROR only when it lasts.
        self.outage = OutageReport(_where(url), reconnect_interval=lambda: float(
            getattr(self._conn, "reconnect_interval", 5) or 5))
        self._closing = False
        self._stopping = asyncio.Event()  # ends the backoff of events retried in place
        quiet_broker_libraries()

    def queue_name(self, queue: str) -> str:
        return f"{self.exchange_name}.{queue}"

    async def _connect(self) -> None:
        if self._conn is None or self._conn.is_closed:
            self._conn = await aio_pika.connect_robust(self.url, timeout=10)
            self._conn.close_callbacks.add(self._on_connection_lost)
            self._conn.reconnect_callbacks.add(self._on_reconnected)
        if self._pub_channel is None or self._pub_channel.is_closed:
            self._pub_channel = await self._conn.channel(publisher_confirms=True)
            self._exchange = await self._pub_channel.declare_exchange(
                self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
            )

    async def _declare_main(self, channel: AbstractChannel, name: str) -> AbstractQueue:
        """``X.q`` as a single-active-consumer queue, or as it is when an earlier version
        declared it without the argument (see the module docstring)."""
        if name not in self._legacy_queues:
            try:
                return await channel.declare_queue(name, durable=True, arguments=SAC_ARGUMENTS)
            except aiormq.exceptions.ChannelPreconditionFailed:
                # The broker closed the channel; the caller's channel is a robust one that reopens,
                # but a fresh one is simpler to reason about.
                self._legacy_queues.add(name)
                log.warning("queue declared without single-active-consumer: per-application order holds "
                            "with one consumer process only; run `python -m shared.bus.upgrade` with the chain stopped",
                            queue=name)
                raise _LegacyQueue(name) from None
        return await channel.declare_queue(name, durable=True)

    async def _declare(self, channel: AbstractChannel, sub: Subscription, *, own: bool = True) -> AbstractQueue:
        """The queue of ``sub`` bound to its patterns, and, for a queue this service consumes
        (``own``), its retry and dead-letter queues (declaring a dead-lettering queue takes read
        permission on it, which a service's broker user has on its own queues only)."""
        name = self.queue_name(sub.queue)
        exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await self._declare_main(channel, name)
        for pattern in sub.patterns:
            await queue.bind(exchange, routing_key=pattern)
        if not own:
            return queue
        await channel.declare_queue(
            name + ".retry",
            durable=True,
            arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": name},
        )
        await channel.declare_queue(name + ".dead", durable=True)
        return queue

    async def _declare_on_new_channel(self, sub: Subscription, *, own: bool, **channel_kw: Any
                                      ) -> tuple[AbstractChannel, AbstractQueue]:
        """Declare ``sub``'s queues on a channel of their own; a legacy queue closes the first
        channel (PRECONDITION_FAILED), so it is declared again, as it is, on a second one."""
        assert self._conn is not None
        for _ in range(2):
            ch = await self._conn.channel(**channel_kw)
            try:
                return ch, await self._declare(ch, sub, own=own)
            except BaseException as exc:
                # Given back whatever went wrong (a legacy queue closed it already on the broker).
                with contextlib.suppress(Exception):
                    await ch.close()
                if not isinstance(exc, _LegacyQueue):
                    raise
        raise RuntimeError("unreachable")

    async def declare(self) -> None:
        """Declare the exchange and every subscribed queue with its bindings, without consuming
        (so that events published before the consumers start are kept); each consumer declares
        its retry and dead-letter queues when it starts."""
        await self._connect()
        for sub in self.subscriptions:
            ch, _ = await self._declare_on_new_channel(sub, own=False)
            await ch.close()

    async def start(self) -> None:
        await self._connect()
        assert self._conn is not None
        # One consumer per queue; several subscriptions on one queue share it and each event
        # goes to the handlers whose patterns match it.
        by_queue: dict[str, list[Subscription]] = {}
        for sub in self.subscriptions:
            by_queue.setdefault(sub.queue, []).append(sub)
        for subs in by_queue.values():
            ch, queue = await self._declare_on_new_channel(subs[0], own=True, publisher_confirms=True)
            await ch.set_qos(prefetch_count=max(1, max(s.concurrency for s in subs)))
            for sub in subs[1:]:
                queue = await self._declare(ch, sub)
            locks = KeyedLock()

            async def on_message(message: AbstractIncomingMessage, subs: list[Subscription] = subs,
                                 ch: AbstractChannel = ch, locks: KeyedLock = locks) -> None:
                # Handlers run as tasks so that one slow application does not stall the queue;
                # the keyed lock keeps one application's events in order.
                task = asyncio.create_task(self._on_message(message, subs, ch, locks))
                self._tasks.add(task)
                task.add_done_callback(self._handled)

            tag = await queue.consume(on_message, no_ack=False)
            self._consumer_channels.append(ch)
            self._consumer_tags.append((queue, tag))

    async def stop(self) -> None:
        self._closing = True
        self._stopping.set()
        self.outage.reset()
        for queue, tag in self._consumer_tags:
            with contextlib.suppress(Exception):
                await queue.cancel(tag)
        self._consumer_tags = []
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10)
        for ch in self._consumer_channels:
            with contextlib.suppress(Exception):
                await ch.close()
        self._consumer_channels = []
        # Closed before its connection, so that aio-pika's close callback for it has finished
        # when stop returns (left to the connection's close, it was still a pending task when a
        # test's loop closed, and raised from the garbage collector later).
        if self._pub_channel is not None:
            with contextlib.suppress(Exception):
                await self._pub_channel.close()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
        self._conn = None
        self._pub_channel = None
        self._exchange = None
        self._closing = False
        self._stopping = asyncio.Event()

    async def ping(self) -> None:
        await self._connect()
        assert self._conn is not None and not self._conn.is_closed

    async def publish(self, event: EventEnvelope) -> None:
        """Publish ``event`` under this connection's user. The broker closes the channel on a
        publish it refuses (a ``user_id`` not the connection's, a routing key outside the user's
        topic permissions): that raises here (``aiormq`` ChannelPreconditionFailed /
        ChannelAccessRefused) and the next publish opens a fresh channel."""
        async with self._pub_lock:
            await self._connect()
        assert self._exchange is not None
        await self._exchange.publish(self._message(event, 1, first=True), routing_key=event.routing_key,
                                     mandatory=False, timeout=self.publish_timeout)

    def _message(self, event: EventEnvelope, attempt: int, *, first: bool = False, carried: str | None = None,
                 extra: dict[str, Any] | None = None, **kw: Any) -> aio_pika.Message:
        """The message for ``event``: published ``first`` by this service, or republished by it
        carrying ``carried``, the user that published it first ("" when nobody vouched)."""
        headers: dict[str, Any] = {ATTEMPT_HEADER: attempt}
        if not first:
            headers[PRODUCER_HEADER] = carried or ""
        return aio_pika.Message(
            body=event.model_dump_json().encode(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=event.id,
            type=event.type,
            correlation_id=event.correlation_id,
            user_id=self.user_id,
            headers={**headers, **(extra or {})},
            **kw,
        )

    def vouched_user(self, message: AbstractIncomingMessage) -> str | None:
        """The broker user that published ``message`` first: its ``user_id``, or, on a message
        this service's own user republished (retry, dead letter, redelivery), the user it carries."""
        if not message.user_id:
            return None
        if message.user_id == self.user and PRODUCER_HEADER in (message.headers or {}):
            return header(message, PRODUCER_HEADER)
        return message.user_id

    def producer(self, user: str | None, event: EventEnvelope) -> str | None:
        """The service ``user`` vouches for (a shared user vouches for the envelope's source)."""
        if user is None:
            return None
        if self.users.is_shared(user):
            return event.source or None
        return self.users.service_for(user)

    def _handled(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Mostly the channel gone mid-delivery (an outage): the broker redelivers the
            # unacked event. Said here, so that asyncio does not log it as an unretrieved error.
            log.warning("event delivery interrupted; the broker redelivers it", error=repr(exc))

    async def _on_message(self, message: AbstractIncomingMessage, subs: list[Subscription],
                          ch: AbstractChannel, locks: KeyedLock) -> None:
        sub = subs[0]
        name = self.queue_name(sub.queue)
        try:
            event = EventEnvelope.model_validate_json(message.body)
        except Exception as exc:
            log.error("unreadable event dead-lettered", queue=name, error=repr(exc))
            await ch.default_exchange.publish(
                aio_pika.Message(body=message.body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                                 user_id=self.user_id, headers={ERROR_HEADER: repr(exc)[:500]}),
                routing_key=name + ".dead",
            )
            await message.ack()
            return
        raw_attempt = (message.headers or {}).get(ATTEMPT_HEADER, 1)
        attempt = int(raw_attempt) if isinstance(raw_attempt, int | str) else 1
        user = self.vouched_user(message)
        token = correlation_id_var.set(event.correlation_id)
        try:
            async with locks.hold(event.application_id):
                if self._stopping.is_set():
                    # Shutting down while it waited behind an earlier event of its application
                    # (itself handed back): back to the broker too, so the next consumer keeps
                    # the order.
                    with contextlib.suppress(Exception):
                        await message.nack(requeue=True)
                    return
                # Retried in place, holding the application's lock and the unacked message, so
                # that its later events wait (module docstring).
                while not await self._attempt(message, subs, ch, name, event, attempt, user):
                    if _channel_gone(message):
                        # The connection went: the broker redelivers the unacked event (first, to
                        # whichever consumer is active); this copy stops here.
                        return
                    attempt += 1
        finally:
            correlation_id_var.reset(token)

    async def _attempt(self, message: AbstractIncomingMessage, subs: list[Subscription], ch: AbstractChannel,
                       name: str, event: EventEnvelope, attempt: int, user: str | None) -> bool:
        """One delivery attempt; True when the message is done with (handled and acked, or
        parked), False when it must be tried again (its backoff already waited out)."""
        policy = subs[0].policy
        delivery = Delivery(attempt, policy.max_attempts, subs[0].queue, producer=self.producer(user, event),
                            producer_user=user)
        try:
            for s in subs:
                if any(topic_matches(p, event.routing_key) for p in s.patterns):
                    await s.handler(event, delivery)
        except Exception as exc:
            if not isinstance(exc, RefusedEvent) and attempt < policy.max_attempts:
                delay = policy.delay(attempt)
                log.info("event handler failed, will retry", queue=name, event_type=event.type,
                         event_id=event.id, attempt=attempt, retry_in=delay, error=repr(exc))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                if not self._stopping.is_set():
                    return False
                # Shutting down: back to the broker, at its place, for whoever consumes next.
                with contextlib.suppress(Exception):
                    await message.nack(requeue=True)
                return True
            try:
                if isinstance(exc, RefusedEvent):  # permanent: parked at once, never retried
                    log.info("refused event dead-lettered", queue=name, event_type=event.type,
                             event_id=event.id, reason=exc.reason)
                    extra = {REFUSED_HEADER: exc.reason[:500]}
                else:
                    log.warning("event dead-lettered", queue=name, event_type=event.type, event_id=event.id,
                                attempts=attempt, error=repr(exc))
                    extra = {ERROR_HEADER: repr(exc)[:500]}
                await ch.default_exchange.publish(self._message(event, attempt, carried=user, extra=extra),
                                                  routing_key=name + ".dead")
                await message.ack()
            except Exception as park_exc:
                # Mostly a lost connection: the broker redelivers the unacked event.
                log.warning("could not park a failed event; the broker will redeliver it", queue=name,
                            event_id=event.id, error=repr(park_exc))
                with contextlib.suppress(Exception):
                    await message.nack(requeue=True)
            return True
        with contextlib.suppress(Exception):
            await message.ack()
        return True

    # --- broker outages --------------------------------------------------------------------

    def _on_connection_lost(self, _: Any, exc: BaseException | None = None) -> None:
        if (self._closing or self._conn is None or self._conn.is_closed
                or isinstance(exc, asyncio.CancelledError)):
            return  # our own close (or the loop's shutdown)
        self.outage.lost(exc)

    def _on_reconnected(self, _: Any) -> None:
        self.outage.recovered()

    # --- dead letters and upgrades (shared/bus/dead_letters.py) -------------------------------

    async def upgrade_queues(self, queues: Mapping[str, list[str]]) -> list[str]:
        """Redeclare legacy queues as single-active-consumer ones (``shared.bus.upgrade``)."""
        from shared.bus.upgrade import upgrade_queues

        return await upgrade_queues(self, queues)

    async def dead_letter_records(self, queue: str) -> list[DeadLetter]:
        return await dead_letters.records(self, queue)

    async def dead_letter_count(self, queue: str) -> int:
        return await dead_letters.count(self, queue)

    async def redeliver_dead_letters(self, queue: str) -> int:
        return await dead_letters.redeliver(self, queue)

    async def delete_topology(self) -> None:
        """Remove this bus's exchange and queues (test clean-up); the bus is left stopped."""
        await dead_letters.delete_topology(self)


def _channel_gone(message: AbstractIncomingMessage) -> bool:
    """Whether the message's channel closed (aio-pika forgets a closed channel: asking for it
    raises, which means the same)."""
    try:
        return bool(message.channel.is_closed)
    except aiormq.exceptions.ChannelInvalidStateError:
        return True
