"""The in-process transport for the embedded mode (``make run``): every service in one event
loop, queues in memory. Same retry and dead-letter semantics as RabbitMQ; what is in memory is
lost on exit, which is why the outbox (on disk) keeps the unpublished ones."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from shared.bus.base import (
    DeadLetter,
    Delivery,
    EventBus,
    RefusedEvent,
    RetryPolicy,
    Subscription,
    topic_matches,
)
from shared.bus.envelope import EventEnvelope
from shared.bus.keyed_lock import KeyedLock
from shared.logging import get_logger

log = get_logger(__name__)


class BusUnavailable(ConnectionError):
    pass


@dataclass
class _Message:
    event: EventEnvelope
    attempt: int


class _Queue:
    def __init__(self, sub: Subscription) -> None:
        self.subs = [sub]
        self.items: asyncio.Queue[_Message] = asyncio.Queue()
        self.dead: list[DeadLetter] = []
        self.workers: list[asyncio.Task[None]] = []
        self.timers: set[asyncio.TimerHandle] = set()
        self.lock = KeyedLock()


class InProcessBus(EventBus):
    def __init__(self, default_policy: RetryPolicy | None = None) -> None:
        super().__init__(default_policy)
        self._queues: dict[str, _Queue] = {}
        self._running = False
        # Lets tests play "the broker is down".
        self.available = True

    def _queue_for(self, sub: Subscription) -> _Queue:
        q = self._queues.get(sub.queue)
        if q is None:
            q = self._queues[sub.queue] = _Queue(sub)
        elif sub not in q.subs:
            q.subs.append(sub)
        return q

    async def start(self) -> None:
        for sub in self.subscriptions:
            self._queue_for(sub)
        for q in self._queues.values():
            if not q.workers:
                n = max(1, max(s.concurrency for s in q.subs))
                q.workers = [asyncio.create_task(self._work(q)) for _ in range(n)]
        self._running = True

    async def stop(self) -> None:
        self._running = False
        for q in self._queues.values():
            for t in q.timers:
                t.cancel()
            q.timers.clear()
            for w in q.workers:
                w.cancel()
            for w in q.workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await w
            q.workers = []

    async def ping(self) -> None:
        if not self.available:
            raise BusUnavailable("in-process bus marked unavailable")

    async def publish(self, event: EventEnvelope) -> None:
        await self.ping()
        if not self._queues:
            for sub in self.subscriptions:
                self._queue_for(sub)
        for q in self._queues.values():
            if any(topic_matches(p, event.routing_key) for s in q.subs for p in s.patterns):
                q.items.put_nowait(_Message(event, 1))

    async def dead_letter_records(self, queue: str) -> list[DeadLetter]:
        q = self._queues.get(queue)
        return list(q.dead) if q else []

    async def redeliver_dead_letters(self, queue: str) -> int:
        q = self._queues.get(queue)
        if not q:
            return 0
        parked, q.dead = q.dead, []
        for dead in parked:
            q.items.put_nowait(_Message(dead.event, 1))
        return len(parked)

    async def _work(self, q: _Queue) -> None:
        while True:
            msg = await q.items.get()
            try:
                async with q.lock.hold(msg.event.application_id):
                    await self._handle(q, msg)
            finally:
                q.items.task_done()

    async def _handle(self, q: _Queue, msg: _Message) -> None:
        # A queue normally has one subscription; with several, all must succeed.
        policy = q.subs[0].policy
        # One trust domain: the producer is the source the publishing runtime set.
        delivery = Delivery(msg.attempt, policy.max_attempts, q.subs[0].queue, producer=msg.event.source or None)
        try:
            for sub in q.subs:
                if any(topic_matches(p, msg.event.routing_key) for p in sub.patterns):
                    await sub.handler(msg.event, delivery)
        except RefusedEvent as exc:  # permanent: parked at once, never retried
            log.info("refused event dead-lettered", queue=q.subs[0].queue, event_type=msg.event.type,
                     event_id=msg.event.id, reason=exc.reason)
            q.dead.append(DeadLetter(msg.event, refused_reason=exc.reason))
        except Exception as exc:  # a failing handler must never kill the worker
            if msg.attempt >= policy.max_attempts:
                log.warning("event dead-lettered", queue=q.subs[0].queue, event_type=msg.event.type,
                            event_id=msg.event.id, attempts=msg.attempt, error=repr(exc))
                q.dead.append(DeadLetter(msg.event, error=repr(exc)[:500]))
                return
            delay = policy.delay(msg.attempt)
            log.info("event handler failed, will retry", queue=q.subs[0].queue, event_type=msg.event.type,
                     event_id=msg.event.id, attempt=msg.attempt, retry_in=delay, error=repr(exc))
            nxt = _Message(msg.event, msg.attempt + 1)
            loop = asyncio.get_running_loop()
            handle: asyncio.TimerHandle

            def _requeue() -> None:
                q.timers.discard(handle)
                q.items.put_nowait(nxt)

            handle = loop.call_later(delay, _requeue)
            q.timers.add(handle)

    async def drain(self, limit_seconds: float = 10.0) -> None:
        """Wait until every queue is empty and idle (tests)."""
        async def _all() -> None:
            while True:
                for q in self._queues.values():
                    await q.items.join()
                if all(q.items.empty() and not q.timers for q in self._queues.values()):
                    return
                await asyncio.sleep(0.01)

        await asyncio.wait_for(_all(), limit_seconds)
