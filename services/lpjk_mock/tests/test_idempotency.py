"""``Idempotency-Key`` on LPJK's recording (issue 15): a retried record returns the first answer
and records once; another body is 422; one still running is 409; two processes on one database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.idempotency import HEADER
from shared.tests.idempotency_support import check_keyed_post, check_two_replicas


def sender(client: Any) -> Any:
    async def send(key: str, variant: int) -> Any:
        body = record_body(f"SI012022.4.2026.{variant:07d}", f"app-{variant}")
        return await client.post("/api/v1/records", json=body, headers={**auth(), HEADER: key})
    return send


def counter(app: Any) -> Any:
    async def count() -> int:
        async with app.state.runtime.sessions() as s:
            return int((await s.execute(select(func.count()).select_from(SkkRecord))).scalar_one())
    return count


async def test_a_keyed_record_is_made_once(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        await check_keyed_post(app, client, sender(client), counter(app))


async def test_two_processes_on_postgres_record_once(pg_url: str) -> None:
    async with running(pg_url) as (first, one), running(pg_url) as (_, two):
        await check_two_replicas(sender(one), sender(two), counter(first))
