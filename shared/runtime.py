"""What every service process is made of, assembled once: database, migrations, event bus,
outbox relay, inbox consumers, service clients, health, metrics, errors and logging.

A service's ``app.py`` builds a :class:`ServiceRuntime`, registers its consumers and start-up
steps on it, and calls :meth:`ServiceRuntime.install` on its FastAPI app.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.gc_collector import GCCollector
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import housekeeping
from shared.auth import ServiceIdentity, install_jwks
from shared.bus import BrokerUsers, EventBus, EventEnvelope, RabbitMqBus, RefusedEvent, RetryPolicy, make_bus
from shared.bus.base import Delivery
from shared.contracts.events import Event
from shared.database import create_engine, make_session_factory, ping, run_migrations
from shared.db_metrics import count_round_trips
from shared.dblocks import DbKeyedLock
from shared.errors import Problem, install_problem_handlers, problem_openapi, problem_response, problem_responses
from shared.gctuning import GcTimeCollector, tune_collector
from shared.http_surface import install_surface
from shared.inbox import FirstTry, handle_once
from shared.logging import configure_logging, correlation_id_var, get_logger
from shared.outbox import InboxMixin, OutboxMixin, add_event
from shared.outbox_relay import OutboxRelay
from shared.producers import producer_refusal
from shared.request_middleware import CorrelationIdMiddleware, MetricsMiddleware
from shared.service_client import ServiceClient
from shared.settings import Mode, ServiceSettings
from shared.throttle import Throttle

log = get_logger(__name__)
_STARTUP_LOCK = DbKeyedLock("startup")

E = TypeVar("E", bound=Event)
# A consumer's effect, run in the inbox's transaction: effect(session, event, envelope).
EventEffect = Callable[[AsyncSession, E, EventEnvelope], Awaitable[None]]
# A handler that makes itself idempotent: handler(event, envelope, delivery).
RawEffect = Callable[[E, EventEnvelope, Delivery], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class Health(BaseModel):
    status: str
    service: str


class Readiness(Health):
    checks: dict[str, str]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        outbox_model: type[OutboxMixin],
        inbox_model: type[InboxMixin],
        migrations: Path | str,
        bus: EventBus | None = None,
        declare_queues: dict[str, list[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.engine = create_engine(settings.database_url, pool_size=settings.database_pool_size)
        self.sessions: async_sessionmaker[AsyncSession] = make_session_factory(self.engine)
        self.outbox_model = outbox_model
        self.inbox_model = inbox_model
        self.migrations = Path(migrations)
        policy = RetryPolicy(settings.bus_max_attempts, settings.bus_retry_base_seconds, settings.bus_retry_max_seconds)
        self.owns_bus = bus is None
        self.bus = bus if bus is not None else make_bus(
            settings.amqp_url, exchange=settings.bus_exchange, policy=policy, prefetch=settings.bus_prefetch,
            users=BrokerUsers.from_settings(settings),
        )
        self.declare_queues = declare_queues or {}
        self.relay = OutboxRelay(self.sessions, outbox_model, self.bus, poll_seconds=settings.outbox_poll_seconds)
        self.identity = ServiceIdentity.from_settings(settings)  # its own key and whom it trusts
        self.signer = self.identity.signer
        # Throttle keys are hashed under a secret of this party's own (replicas share it).
        throttle_secret = hashlib.sha256(b"skk-throttle\x1f" + (
            settings.service_signing_key_pem.get_secret_value() or settings.service_name).encode()).digest()
        self.throttle = Throttle.for_engine(self.engine, secret=throttle_secret)
        self._clients: list[ServiceClient] = []
        self._startup: list[Hook] = []
        self._shutdown: list[Hook] = []
        self._background: list[Callable[[], Awaitable[None]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.registry = CollectorRegistry()
        GCCollector(registry=self.registry)  # collections and objects collected, by generation
        self.registry.register(GcTimeCollector())  # and the CPU time they took
        count_round_trips(self.engine, self.registry)  # statements and transactions sent
        self._requests = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"],
                                 registry=self.registry)
        self._latency = Histogram("http_request_seconds", "HTTP request latency", ["method", "route"],
                                  registry=self.registry)
        self.events_handled = Counter("events_handled_total", "Events handled", ["queue", "type", "outcome"],
                                      registry=self.registry)
        self.events_refused = Counter("events_refused_total", "Events refused (producer not allowed)",
                                      ["queue", "type", "reason"], registry=self.registry)
        # Operations (names fixed: deploy/'s dashboard and alert rules use them).
        self.handler_seconds = Histogram("event_handler_seconds", "Time of one event handler run (any outcome)",
                                         ["queue", "type"], registry=self.registry)
        self.event_retries = Counter("event_retries_total", "Failed handler attempts that will be retried",
                                     ["queue", "type"], registry=self.registry)
        self.dead_letter_depth = Gauge("dead_letter_messages", "Events parked in this service's dead-letter queue",
                                       ["queue"], registry=self.registry)
        self.outbox_lag = Gauge("outbox_oldest_unpublished_seconds", "Age of the oldest unpublished outbox row",
                                registry=self.registry)
        # The relay keeps the age up to date as it works (0.0 when the outbox is drained).
        self.outbox_lag.set_function(lambda: float(getattr(self.relay, "oldest_unpublished_age", 0.0) or 0.0))
        self.dead_letter_refresh_seconds = 15.0
        self._consumed: set[str] = set()  # this service's queues (an in-process bus is shared)
        self.started = False

    # --- building blocks for the service -------------------------------------------------

    def client(self, base_url: str, *, audience: str, name: str | None = None,
               token: Callable[[], str | None] | None = None, **kw: Any) -> ServiceClient:
        """An HTTP client to another service, authenticated with a service token by default."""
        kw.setdefault("backend", self.settings.http_backend)
        c = ServiceClient(
            base_url,
            auth=token if token is not None else (lambda: self.signer.token(audience)),
            timeout=kw.pop("timeout", self.settings.http_timeout_seconds),
            retries=kw.pop("retries", self.settings.http_retries),
            name=name or audience,
            **kw,
        )
        self._clients.append(c)
        return c

    def emit(self, session: AsyncSession, event: Event, *, application_id: str | None = None) -> EventEnvelope:
        """Stage a catalogue event in ``session``'s transaction (the outbox)."""
        if application_id is None:
            application_id = getattr(event, "application_id", None)
        return add_event(session, self.outbox_model, event.routing_key(), event.model_dump(mode="json"),
                         application_id=application_id, source=self.name, version=event.version)

    def consume(self, queue: str, handlers: Mapping[type[Event], EventEffect[Any]], *,
                patterns: list[str] | None = None, policy: RetryPolicy | None = None,
                concurrency: int | None = None, claims_in_effect: bool = False,
                first_try: FirstTry | None = None) -> None:
        """Subscribe typed effects so that each event takes effect once (inbox, same transaction).

        ``handlers`` maps catalogue classes to ``effect(session, event, envelope)``; the queue is
        bound to their types (or to ``patterns``, e.g. one LSP's own routing keys).
        ``claims_in_effect``: the effects write nothing outside their transaction and may carry
        the inbox's claim in their first read (``shared.inbox.read_claiming``). ``first_try``:
        tried before the transaction for each event (``shared.inbox``).
        """
        self._subscribe(queue, handlers, patterns, None, policy, concurrency, claims_in_effect, first_try)

    def consume_raw(self, queue: str, handlers: Mapping[type[Event], RawEffect[Any]], *,
                    patterns: list[str] | None = None, policy: RetryPolicy | None = None,
                    concurrency: int | None = None) -> None:
        """Subscribe typed handlers that make themselves idempotent: ``handler(event, envelope, delivery)``
        runs on every delivery, with no inbox (for example a delivery attempt that must run again)."""

        async def handler(envelope: EventEnvelope, delivery: Delivery) -> None:
            found = _typed(handlers, envelope)
            if found is not None:
                await found[0](found[1], envelope, delivery)

        self._subscribe(queue, handlers, patterns, handler, policy, concurrency)

    def _subscribe(self, queue: str, handlers: Mapping[type[Event], Any], patterns: list[str] | None,
                   raw: Callable[[EventEnvelope, Delivery], Awaitable[None]] | None, policy: RetryPolicy | None,
                   concurrency: int | None, claims_in_effect: bool = False,
                   first_try: FirstTry | None = None) -> None:
        async def handler(event: EventEnvelope, delivery: Delivery) -> None:
            token = correlation_id_var.set(event.correlation_id)
            started = time.perf_counter()
            try:
                self._check_producer(queue, handlers, event, delivery)
                if raw is None:
                    done = await handle_once(self.sessions, self.inbox_model, queue, event,
                                             lambda session, envelope: _run_typed(handlers, session, envelope),
                                             claims_in_effect=claims_in_effect, first_try=first_try)
                    outcome = "ok" if done else "duplicate"
                else:
                    await raw(event, delivery)
                    outcome = "ok"
                self.events_handled.labels(queue, event.type, outcome).inc()
            except RefusedEvent:
                raise
            except Exception:
                self.events_handled.labels(queue, event.type, "error").inc()
                if not delivery.is_last_attempt:
                    self.event_retries.labels(queue, event.type).inc()
                raise
            finally:
                self.handler_seconds.labels(queue, event.type).observe(time.perf_counter() - started)
                correlation_id_var.reset(token)

        self._consumed.add(queue)
        self.bus.subscribe(queue, patterns or [cls.event_type for cls in handlers], handler, policy=policy,
                           concurrency=concurrency or self.settings.bus_prefetch)

    def _check_producer(self, queue: str, handlers: Mapping[type[Event], Any], event: EventEnvelope,
                        delivery: Delivery) -> None:
        """Refuse (dead-letter at once, metric, one log line) an event from a producer the catalogue
        does not allow for its type; the handler never runs."""
        cls = next((c for c in handlers if c.matches(event.type)), None)
        refusal = producer_refusal(cls, event, delivery) if cls is not None else None
        if refusal is not None:
            self.events_refused.labels(queue, event.type, refusal.code).inc()
            log.warning("event refused", queue=queue, event_type=event.type, event_id=event.id,
                        producer=delivery.producer, source=event.source, reason=refusal.reason)
            raise RefusedEvent(refusal.reason)

    def on_startup(self, hook: Hook) -> Hook:
        """Runs after migrations, before the bus starts (seeding goes here)."""
        self._startup.append(hook)
        return hook

    def on_shutdown(self, hook: Hook) -> Hook:
        self._shutdown.append(hook)
        return hook

    def background(self, loop: Callable[[], Awaitable[None]]) -> None:
        """A long-running task (for example a periodic sweep), cancelled at shutdown."""
        self._background.append(loop)

    # --- life cycle ------------------------------------------------------------------------

    async def startup(self) -> None:
        configure_logging(self.settings.log_level, self.settings.log_json)
        if self.settings.migrate_on_startup:
            await run_migrations(self.engine, self.migrations)
        if self.settings.mode == Mode.PRODUCTION:
            await housekeeping.warn_without_autovacuum(self)
        # Replicas start together: their start-up hooks (the dev seeds: LSPs, accounts) take turns
        # under a lock held across processes on PostgreSQL, so the second finds the first's rows.
        async with _STARTUP_LOCK.across(self.sessions, self.name):
            for hook in self._startup:
                await hook()
        if isinstance(self.bus, RabbitMqBus) and self.declare_queues:
            # Declaring every consumer queue of the chain first means an event published
            # before its consumer has ever started still waits for it.
            from shared.bus.base import Subscription

            async def _noop(_: EventEnvelope, __: Delivery) -> None:
                return None

            declarer = RabbitMqBus(self.bus.url, exchange=self.bus.exchange_name)
            declarer.subscriptions = [Subscription(q, p, _noop) for q, p in self.declare_queues.items()]
            await declarer.declare()
            await declarer.stop()
        if self.owns_bus:
            await self.bus.start()
        self.relay.start()
        for loop in [*self._background, *housekeeping.loops(self)]:
            self._tasks.append(asyncio.create_task(self._guard(loop)))
        self.started = True
        frozen = tune_collector() if self.settings.gc_tuned_after_startup else 0
        log.info("service started", service=self.name, port=self.settings.port, gc_frozen=frozen)

    def consumed_queues(self) -> list[str]:
        return sorted(self._consumed)

    async def _guard(self, loop: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await loop()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task failed; restarting", service=self.name)
                await asyncio.sleep(1)

    async def shutdown(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            try:
                await t
            except (asyncio.CancelledError, Exception):  # noqa: S110
                pass
        self._tasks = []
        await self.relay.stop()
        if self.owns_bus:
            await self.bus.stop()
        for hook in self._shutdown:
            await hook()
        for c in self._clients:
            await c.aclose()
        await self.engine.dispose()
        self.started = False

    @asynccontextmanager
    async def lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        await self.startup()
        try:
            yield
        finally:
            await self.shutdown()

    def install(self, app: FastAPI, *, errors: Mapping[type[Exception], int] | None = None) -> None:
        """Errors (``errors`` maps the service's own exceptions to statuses), correlation ids, metrics,
        ``/healthz``, ``/readyz``, ``/metrics`` and ``/.well-known/jwks.json``."""
        install_problem_handlers(app, errors)
        problem_openapi(app)
        install_surface(app, self.settings)
        app.add_middleware(MetricsMiddleware, requests=self._requests, latency=self._latency)
        app.add_middleware(CorrelationIdMiddleware)
        app.state.runtime = self
        install_jwks(app, self.identity)

        @app.get("/healthz", tags=["operations"], operation_id="healthz", response_model=Health)
        async def healthz() -> dict[str, str]:
            return {"status": "ok", "service": self.name}

        @app.get("/readyz", tags=["operations"], operation_id="readyz", response_model=Readiness,
                 responses=problem_responses(503))
        async def readyz() -> Response:
            checks: dict[str, str] = {}
            try:
                await ping(self.engine)
                checks["database"] = "ok"
            except Exception as exc:
                checks["database"] = f"error: {type(exc).__name__}"
            try:
                await asyncio.wait_for(self.bus.ping(), 5)
                checks["bus"] = "ok"
            except Exception as exc:
                checks["bus"] = f"error: {type(exc).__name__}"
            if not self.started:
                checks["startup"] = "pending"
            if all(v == "ok" for v in checks.values()):
                return JSONResponse({"status": "ready", "service": self.name, "checks": checks})
            return problem_response(Problem(503, "not ready", checks=checks))

        @app.get("/metrics", tags=["operations"], operation_id="metrics", include_in_schema=False)
        async def metrics() -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _typed(handlers: Mapping[type[Event], Any], envelope: EventEnvelope) -> tuple[Any, Event] | None:
    """The handler for ``envelope`` and its payload parsed into the catalogue model, or None when
    this subscription does not handle its type."""
    for cls, handler in handlers.items():
        if cls.matches(envelope.type):
            return handler, cls.model_validate(envelope.payload)
    return None


async def _run_typed(handlers: Mapping[type[Event], EventEffect[Any]], session: AsyncSession,
                     envelope: EventEnvelope) -> None:
    found = _typed(handlers, envelope)
    if found is not None:
        await found[0](session, found[1], envelope)
