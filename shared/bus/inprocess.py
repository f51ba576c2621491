"""The in-process transport for the embedded mode (``make run``): every service in one event
loop, queues in memory. Same retry and dead-letter semantics as RabbitMQ; what is in memory is
lost on exit, which is why the outbox (on disk) keeps the unpublished ones.

Order per application survives retries: a dispatcher puts each event on its application's own
FIFO lane, one task per busy lane handles that lane's events one at a time, and a failing event
is retried in place (after its backoff) before the lane moves on; so event 2 waits until event 1
succeeded or was dead-lettered, while other applications' lanes keep flowing. Events without an
application run on a lane of their own each. ``Subscription.concurrency`` bounds the handlers
running at once (not the lanes waiting out a backoff)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
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
        self.dispatcher: asyncio.Task[None] | None = None
        # The waiting events of each busy application, oldest first, and the task working on them.
        self.lanes: dict[str, deque[_Message]] = {}
        self.lane_tasks: set[asyncio.Task[None]] = set()
        self.slots = asyncio.Semaphore(max(1, max(s.concurrency for s in self.subs)))
        self.retrying = 0  # events waiting out a backoff (drain waits for them too)

    @property
    def name(self) -> str:
        return self.subs[0].queue


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
            q.slots = asyncio.Semaphore(max(1, max(s.concurrency for s in q.subs)))
        return q

    async def start(self) -> None:
        for sub in self.subscriptions:
            self._queue_for(sub)
        for q in self._queues.values():
            if q.dispatcher is None:
                q.dispatcher = asyncio.create_task(self._dispatch(q))
        self._running = True

    async def stop(self) -> None:
        self._running = False
        for q in self._queues.values():
            tasks = [*q.lane_tasks, *([q.dispatcher] if q.dispatcher else [])]
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await t
            q.dispatcher = None
            q.lane_tasks.clear()
            # What was waiting is put back, in order, for a restart (in memory only).
            for lane in q.lanes.values():
                for msg in lane:
                    q.items.task_done()
                    q.items.put_nowait(msg)
            q.lanes.clear()
            q.retrying = 0

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

    async def _dispatch(self, q: _Queue) -> None:
        """Move each published event onto its application's lane (``items.task_done`` is called
        when the lane has finished with it, so ``items.join`` means "all handled")."""
        while True:
            msg = await q.items.get()
            key = msg.event.application_id or f"event:{msg.event.id}"
            lane = q.lanes.get(key)
            if lane is not None:
                lane.append(msg)
                continue
            q.lanes[key] = deque([msg])
            task = asyncio.create_task(self._run_lane(q, key))
            q.lane_tasks.add(task)
            task.add_done_callback(q.lane_tasks.discard)

    async def _run_lane(self, q: _Queue, key: str) -> None:
        lane = q.lanes[key]
        while lane:
            # Cancelled (``stop``) mid-way, the event stays first on its lane for a restart.
            await self._handle(q, lane[0])
            lane.popleft()
            q.items.task_done()
        del q.lanes[key]

    async def _handle(self, q: _Queue, msg: _Message) -> None:
        """Handle ``msg`` until it succeeds, is refused or runs out of attempts, retrying in
        place so that the lane's later events wait for it."""
        # A queue normally has one subscription; with several, all must succeed.
        policy = q.subs[0].policy
        attempt = msg.attempt
        while True:
            # One trust domain: the producer is the source the publishing runtime set.
            delivery = Delivery(attempt, policy.max_attempts, q.name, producer=msg.event.source or None)
            try:
                async with q.slots:
                    for sub in q.subs:
                        if any(topic_matches(p, msg.event.routing_key) for p in sub.patterns):
                            await sub.handler(msg.event, delivery)
                return
            except RefusedEvent as exc:  # permanent: parked at once, never retried
                log.info("refused event dead-lettered", queue=q.name, event_type=msg.event.type,
                         event_id=msg.event.id, reason=exc.reason)
                q.dead.append(DeadLetter(msg.event, refused_reason=exc.reason))
                return
            except Exception as exc:  # a failing handler must never kill the lane
                if attempt >= policy.max_attempts:
                    log.warning("event dead-lettered", queue=q.name, event_type=msg.event.type,
                                event_id=msg.event.id, attempts=attempt, error=repr(exc))
                    q.dead.append(DeadLetter(msg.event, error=repr(exc)[:500]))
                    return
                delay = policy.delay(attempt)
                log.info("event handler failed, will retry", queue=q.name, event_type=msg.event.type,
                         event_id=msg.event.id, attempt=attempt, retry_in=delay, error=repr(exc))
            q.retrying += 1
            try:
                await asyncio.sleep(delay)
            finally:
                q.retrying -= 1
            attempt += 1

    async def drain(self, limit_seconds: float = 10.0) -> None:
        """Wait until every queue is empty and idle (tests)."""
        async def _all() -> None:
            while True:
                for q in self._queues.values():
                    await q.items.join()
                if all(q.items.empty() and not q.lanes and not q.retrying for q in self._queues.values()):
                    return
                await asyncio.sleep(0.01)

        await asyncio.wait_for(_all(), limit_seconds)
