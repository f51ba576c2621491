"""The issuance consumer between the real BNSP and LPJK apps (in-process, httpx.ASGITransport),
given a small transactional fake of the LSP's workflow as its ``WorkflowPort``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.bnsp_mock.app import create_app as bnsp_app
from services.bnsp_mock.settings import BnspSettings
from services.lpjk_mock.app import create_app as lpjk_app
from services.lpjk_mock.settings import LpjkSettings
from services.lsp.db.models import InboxEntry, OutboxEvent
from services.lsp.issuance.events import register_issuance
from services.lsp.issuance.models import Issuance
from services.lsp.issuance.steps import IssuanceSteps
from services.lsp.settings import LspSettings
from services.lsp.usecases.ports import IssuanceFacts
from shared.bus import EventBus, InProcessBus, RetryPolicy
from shared.contracts.events import IssuanceRequested
from shared.contracts.states import ApplicationStatus, TransitionError, check_transition
from shared.crypto import DataKeys, attach_data_keys
from shared.exceptions import Conflict, NotFound
from shared.runtime import ServiceRuntime
from shared.tests.waiting import wait_until as wait_for  # re-exported to the issuance tests

MIGRATIONS = Path(__file__).resolve().parents[2] / "db" / "migrations"
NIK = "3171011708450001"


class CountingTransport(httpx.AsyncBaseTransport):
    """Forwards to an ASGI app, counting calls; ``fail_next`` makes the next calls fail like a
    dropped connection (before the request reaches the app)."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.calls = 0
        self.fail_next = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            raise httpx.ConnectError("simulated outage", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class FakeWorkflow:
    """The ``WorkflowPort`` on two scratch tables, in the caller's transaction (so a rolled-back
    step leaves no trace, like the real one)."""

    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # status -> how many times record_step should fail after doing its work (a crash before commit)
    crash_after: dict[ApplicationStatus, int] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def create_tables(self, runtime: ServiceRuntime) -> None:
        async with runtime.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE fake_app (id VARCHAR(64) PRIMARY KEY, status VARCHAR(32))"))
            await conn.execute(text(
                "CREATE TABLE fake_step (id VARCHAR(64), status VARCHAR(32), actor VARCHAR(64), note TEXT)"
            ))

    async def add(self, runtime: ServiceRuntime, application_id: str, status: ApplicationStatus,
                  **facts: Any) -> None:
        self.facts[application_id] = facts
        async with runtime.sessions() as s, s.begin():
            await s.execute(text("INSERT INTO fake_app (id, status) VALUES (:i, :s)"),
                            {"i": application_id, "s": status.value})

    async def status(self, session: AsyncSession, application_id: str) -> ApplicationStatus:
        value = (await session.execute(text("SELECT status FROM fake_app WHERE id = :i"),
                                       {"i": application_id})).scalar_one_or_none()
        if value is None:
            raise NotFound(f"application {application_id!r} not found")
        return ApplicationStatus(value)

    async def steps(self, runtime: ServiceRuntime, application_id: str) -> list[tuple[str, str]]:
        async with runtime.sessions() as s:
            rows = await s.execute(text("SELECT status, actor FROM fake_step WHERE id = :i"), {"i": application_id})
            return [(r[0], r[1]) for r in rows]

    async def record_step(self, session: AsyncSession, application_id: str, status: ApplicationStatus, *,
                          actor: str, **kw: Any) -> None:
        current = await self.status(session, application_id)
        try:
            check_transition(current, status)
        except TransitionError as exc:
            raise Conflict(str(exc)) from exc
        await session.execute(text("UPDATE fake_app SET status = :s WHERE id = :i"),
                              {"s": status.value, "i": application_id})
        await session.execute(text("INSERT INTO fake_step (id, status, actor, note) VALUES (:i, :s, :a, :n)"),
                              {"i": application_id, "s": status.value, "a": actor, "n": kw.get("note")})
        if self.crash_after.get(status, 0) > 0:
            self.crash_after[status] -= 1
            raise RuntimeError(f"simulated crash after {status.value} before commit")
        self.calls.append({"application_id": application_id, "status": status, "actor": actor, **kw})

    async def applications_in(self, session: AsyncSession, statuses: Sequence[ApplicationStatus]) -> list[str]:
        rows = await session.execute(text("SELECT id, status FROM fake_app"))
        return [r[0] for r in rows if r[1] in {s.value for s in statuses}]

    async def issuance_facts(self, session: AsyncSession, application_id: str) -> IssuanceFacts:
        status = await self.status(session, application_id)
        f = self.facts[application_id]
        return IssuanceFacts(
            application_id=application_id, lsp_code="LSP-A", lsp_name="LSP Konstruksi A (dev)", status=status,
            nik=f.get("nik", NIK), full_name=f.get("full_name", "Budi Santoso"), email="budi@example.id",
            klasifikasi_code="SI", subklasifikasi_code="SI01", kualifikasi="Teknisi/Analis",
            jabatan_kerja_code="SI012022", jenjang=4, decided_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
        )


@dataclass
class Chain:
    lsp: ServiceRuntime
    steps: IssuanceSteps
    fake: FakeWorkflow
    bnsp: FastAPI
    lpjk: FastAPI
    to_bnsp: CountingTransport
    to_lpjk: CountingTransport
    bus: EventBus

    async def request_issuance(self, application_id: str) -> None:
        async with self.lsp.sessions() as s, s.begin():
            self.lsp.emit(s, IssuanceRequested(lsp_code="LSP-A", application_id=application_id))

    async def issuance(self, application_id: str) -> Issuance | None:
        async with self.lsp.sessions() as s:
            return await s.get(Issuance, application_id)

    async def wait_issued(self, application_id: str, timeout: float = 30.0) -> Issuance:
        return await wait_for(lambda: self.issuance(application_id),
                              lambda row: row is not None and row.pdf is not None, timeout=timeout)


def lsp_runtime(database_url: str, bus: EventBus, fake: FakeWorkflow, to_bnsp: CountingTransport,
                to_lpjk: CountingTransport, **issuance: Any) -> tuple[ServiceRuntime, IssuanceSteps]:
    settings = LspSettings(lsp_code="LSP-A", database_url=database_url, log_json=False, http_retries=0,
                           outbox_poll_seconds=0.1)
    runtime = ServiceRuntime(settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
                             bus=bus)
    attach_data_keys(runtime.engine, DataKeys.from_settings(settings))  # as the LSP's app does (its outbox is sealed)
    issuance.setdefault("issuance_resume_interval_seconds", 0)
    steps = register_issuance(runtime, settings, workflow=fake, bnsp_transport=to_bnsp, lpjk_transport=to_lpjk,
                              **issuance)
    return runtime, steps


@asynccontextmanager
async def chain(tmp_path: Path, lsp_database_url: str | None = None,
                bus: EventBus | None = None) -> AsyncIterator[Chain]:
    fake = FakeWorkflow()
    bus = bus or InProcessBus(RetryPolicy(max_attempts=6, base_seconds=0.05, max_seconds=0.2))
    bnsp = bnsp_app(BnspSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/bnsp.db", log_json=False))
    lpjk = lpjk_app(LpjkSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/lpjk.db", log_json=False))
    to_bnsp, to_lpjk = CountingTransport(bnsp), CountingTransport(lpjk)
    runtime, steps = lsp_runtime(lsp_database_url or f"sqlite+aiosqlite:///{tmp_path}/lsp.db", bus, fake,
                                 to_bnsp, to_lpjk)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(bnsp.router.lifespan_context(bnsp))
        await stack.enter_async_context(lpjk.router.lifespan_context(lpjk))
        await runtime.startup()
        stack.push_async_callback(runtime.shutdown)
        await fake.create_tables(runtime)
        await bus.start()
        stack.push_async_callback(bus.stop)
        yield Chain(runtime, steps, fake, bnsp, lpjk, to_bnsp, to_lpjk, bus)
