"""The siki app in-process, with helpers to call it as the portal, an LSP or an operator."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from fastapi import FastAPI

from services.siki.app import create_app
from services.siki.settings import SikiSettings
from shared.auth import ServiceTokenSigner
from shared.bus import EventEnvelope
from shared.devdefaults import dev_api_key
from shared.runtime import ServiceRuntime
from shared.tests.operators import create_operator_session
from shared.tests.waiting import eventually as eventually  # re-exported to the SIKI tests

# The dev LSPs' webhooks go to these hosts in tests (respx answers for them).
LSP_URLS = {"LSP-A": "http://lsp-a.test", "LSP-B": "http://lsp-b.test"}
WEBHOOK_A = LSP_URLS["LSP-A"] + "/api/v1/webhooks/siki"
NIK = "3171011708900001"  # born 1990-08-17, male


def submission(app_id: str | None = None, *, nik: str = NIK, submission_no: int = 1, lsp_code: str = "LSP-A",
               jabatan_kerja_code: str = "SI012022", klasifikasi_code: str = "SI", subklasifikasi_code: str = "SI01",
               kualifikasi: str = "Teknisi/Analis", jenjang: int = 4, birth_date: str = "1990-08-17",
               gender: str = "L", **sections: Any) -> dict[str, Any]:
    return {
        "id": app_id or f"app-{uuid.uuid4().hex[:12]}",
        "submission_no": submission_no,
        "applicant": {"user_id": "user-1", "email": "budi@example.id", "full_name": "Budi Santoso"},
        "nik": nik,
        "lsp_code": lsp_code,
        "klasifikasi_code": klasifikasi_code,
        "subklasifikasi_code": subklasifikasi_code,
        "kualifikasi": kualifikasi,
        "jabatan_kerja_code": jabatan_kerja_code,
        "jenjang": jenjang,
        "application_kind": "baru",
        "submitted_at": datetime.now(UTC).isoformat(),
        "sections": {
            "personal": {"nik": nik, "full_name": "Budi Santoso", "birth_date": birth_date, "gender": gender},
            "experience": {"items": [{"start_date": "2015-01-01", "end_date": "2020-12-31"}]},
            **sections,
        },
        "documents": [],
    }


def report(status: str, *, report_id: str | None = None, actor: str = "LSP-A/admin", **extra: Any) -> dict[str, Any]:
    return {"report_id": report_id or uuid.uuid4().hex, "status": status,
            "at": datetime.now(UTC).isoformat(), "actor": actor, **extra}


class Harness:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.runtime: ServiceRuntime = app.state.runtime
        signer = ServiceTokenSigner.dev("portal")  # the portal's own (dev) key
        self.portal = {"Authorization": f"Bearer {signer.token('siki')}"}
        self.operator: dict[str, str] = {}  # the dev operator (role admin), logged in by running()
        self.lsp_a = {"Authorization": f"Bearer {dev_api_key('LSP-A')}"}
        self.lsp_b = {"Authorization": f"Bearer {dev_api_key('LSP-B')}"}

    async def submit(self, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post("/api/v1/applications", json=body, headers=self.portal)

    async def report(self, app_id: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(f"/api/v1/applications/{app_id}/status", json=body,
                                      headers=headers or self.lsp_a)

    async def timeline(self, app_id: str) -> list[dict[str, Any]]:
        r = await self.client.get(f"/api/v1/applications/{app_id}/timeline", headers=self.operator)
        assert r.status_code == 200, r.text
        return list(r.json()["timeline"])

    async def deliveries(self, **filters: str) -> list[dict[str, Any]]:
        r = await self.client.get("/api/v1/webhook-deliveries", params=filters, headers=self.operator)
        assert r.status_code == 200, r.text
        return list(r.json())

    async def delivery(self, application_id: str) -> dict[str, Any]:
        """The application's one webhook delivery (exactly one)."""
        (d,) = await self.deliveries(application_id=application_id)
        return d

    async def delivery_when(self, application_id: str, status: str) -> dict[str, Any]:
        """The application's one webhook delivery, once it has ``status`` (waits for it)."""
        async def reached() -> bool:
            return (await self.delivery(application_id))["status"] == status

        await eventually(reached, what=f"{status} delivery")
        return await self.delivery(application_id)

    async def publish(self, type_: str, payload: dict[str, Any], application_id: str | None = None,
                      source: str | None = None) -> None:
        """Publish as the event's producer in the catalogue (SIKI refuses any other producer)."""
        from shared.contracts.events import event_class

        cls = event_class(type_)
        await self.runtime.bus.publish(EventEnvelope(
            type=type_, correlation_id=uuid.uuid4().hex, application_id=application_id,
            source=source or (cls.producers[0] if cls else "test"), payload=payload))

    async def outbox(self, type_: str) -> list[dict[str, Any]]:
        from sqlalchemy import select

        from services.siki.db.models import OutboxEvent

        async with self.runtime.sessions() as s:
            rows = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                    .order_by(OutboxEvent.seq))).scalars().all()
        return [dict(r.payload) for r in rows]



@contextlib.asynccontextmanager
async def running(settings: SikiSettings) -> AsyncIterator[Harness]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://siki.test") as client:
            harness = Harness(app, client)
            if settings.is_dev and settings.seed_dev_operator:
                harness.operator = await create_operator_session(client, "siki")
            yield harness


def build_settings(database_url: str, **overrides: Any) -> SikiSettings:
    values: dict[str, Any] = {
        "database_url": database_url, "dev_lsp_urls": LSP_URLS, "webhook_max_attempts": 4,
        "webhook_retry_base_seconds": 0.05, "webhook_retry_max_seconds": 0.2, "outbox_poll_seconds": 0.05,
        "log_json": False,
    }
    values.update(overrides)
    return SikiSettings(**values)


@pytest.fixture
def make_settings(sqlite_url: str) -> Callable[..., SikiSettings]:
    def make(**overrides: Any) -> SikiSettings:
        return build_settings(sqlite_url, **overrides)

    return make


@pytest.fixture
def lsp_http() -> Iterator[respx.MockRouter]:
    """Mocks the LSPs' HTTP endpoints (calls to the in-process app are not intercepted)."""
    with respx.mock(assert_all_called=False) as router:
        yield router
