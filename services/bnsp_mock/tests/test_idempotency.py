"""``Idempotency-Key`` on BNSP's issuance (issue 15): a retried issuance returns the first answer
and issues once; another body is 422; one still running is 409; two processes on one database."""

from __future__ import annotations

from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance
from services.bnsp_mock.tests.helpers import auth, plan, running
from shared.idempotency import HEADER
from shared.tests.idempotency_support import check_keyed_post, check_two_replicas


def sender(client: object) -> object:
    async def send(key: str, variant: int) -> object:
        return await client.post("/api/v1/issuances", json=plan(f"app-{variant}"),  # type: ignore[attr-defined]
                                 headers={**auth(), HEADER: key})
    return send


def counter(app: object) -> object:
    async def count() -> int:
        async with app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
            return int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one())
    return count


async def test_a_keyed_issuance_runs_once(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        await check_keyed_post(app, client, sender(client), counter(app))  # type: ignore[arg-type]


async def test_two_processes_on_postgres_issue_once(pg_url: str) -> None:
    async with running(pg_url) as (first, one), running(pg_url) as (_, two):
        await check_two_replicas(sender(one), sender(two), counter(first))  # type: ignore[arg-type]
