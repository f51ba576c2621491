"""``Idempotency-Key`` on SIKI's API (issue 15): the portal's retried submission returns the first
answer and routes one application; another body is 422; one still running is 409; two SIKI
processes on one database take a keyed submission once."""

from __future__ import annotations

from typing import Any

import httpx
import respx
from sqlalchemy import func, select

from services.siki.db.models import Application
from services.siki.tests.conftest import WEBHOOK_A, Harness, build_settings, running, submission
from shared.idempotency import HEADER
from shared.tests.idempotency_support import check_keyed_post, check_two_replicas

BODIES: dict[int, dict[str, Any]] = {}  # one body per variant: a retry sends the same bytes


def sender(h: Harness) -> Any:
    async def send(key: str, variant: int) -> httpx.Response:
        body = BODIES.setdefault(variant, submission(f"app-idem-{variant}", nik=f"317101170890{variant:04d}"))
        return await h.client.post("/api/v1/applications", json=body, headers={**h.portal, HEADER: key})
    return send


def counter(h: Harness) -> Any:
    async def count() -> int:
        async with h.runtime.sessions() as s:
            return int((await s.execute(select(func.count()).select_from(Application))).scalar_one())
    return count


async def test_a_keyed_submission_is_routed_once(sqlite_url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(build_settings(sqlite_url)) as h:
        await check_keyed_post(h.app, h.client, sender(h), counter(h), created=202)


async def test_a_keyed_lsp_registration_returns_its_credentials_again(sqlite_url: str) -> None:
    async with running(build_settings(sqlite_url)) as h:
        body = {"code": "LSP-IDEM", "name": "LSP Idem", "webhook_url": "http://lsp-idem.test/api/v1/webhooks/siki"}
        headers = {**h.operator, HEADER: "register-1"}
        first = await h.client.post("/api/v1/lsps", json=body, headers=headers)
        again = await h.client.post("/api/v1/lsps", json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert again.status_code == 201 and again.json() == first.json()  # the same secret, not a 409
        assert again.headers["idempotent-replayed"] == "true"


async def test_two_processes_on_postgres_route_once(pg_url: str) -> None:
    with respx.mock(assert_all_called=False) as lsp:
        lsp.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
        async with running(build_settings(pg_url)) as first, running(build_settings(pg_url)) as second:
            await check_two_replicas(sender(first), sender(second), counter(first), created=202)
