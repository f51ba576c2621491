"""A webhook's body (for application.submitted the whole submission: NIK, NPWP, address) is kept
sealed while the delivery may still be sent (pending, failing, dead until an operator redelivers
it) and emptied once the LSP took it: a delivered webhook is never sent again, and the register
keeps the submission itself. The revision that introduced this empties the delivered ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import respx
from sqlalchemy import column, insert, table, text

from services.siki.app import MIGRATIONS
from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, build_settings, running, submission
from services.siki.tests.test_webhooks import FlakyLsp
from shared.crypto import DataKeys, attach_data_keys, is_sealed_text
from shared.database import create_engine, run_migrations
from shared.tests.migrating import downgrade

BEFORE = "0018_sealed_outbox"


@pytest.fixture(params=["sqlite_url", "pg_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


async def _stored_body(h: Harness, delivery_id: str) -> str | None:
    async with h.runtime.engine.connect() as conn:
        found = await conn.execute(text("SELECT body FROM webhook_deliveries WHERE id = :d"), {"d": delivery_id})
        return found.scalar_one()  # type: ignore[no-any-return]


async def test_the_body_stays_sealed_until_delivered_then_goes(url: str, lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(3, refuse=True)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(build_settings(url, webhook_max_attempts=3)) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202

        d = await h.delivery_when(body["id"], "dead")
        kept = await _stored_body(h, d["id"])
        assert kept is not None and is_sealed_text(kept) and NIK not in kept  # kept for a redelivery

        r = await h.client.post(f"/api/v1/webhook-deliveries/{d['id']}/redeliver", headers=h.operator)
        assert r.status_code == 202, r.text

        await h.delivery_when(body["id"], "delivered")
        assert await _stored_body(h, d["id"]) is None
    # Every attempt, the redelivered one included, carried the whole submission.
    assert len(lsp.requests) == 4 and len({r.content for r in lsp.requests}) == 1
    assert json.loads(lsp.requests[-1].content)["data"]["nik"] == NIK


async def test_the_revision_empties_delivered_bodies_only(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(build_settings(url)))
    at = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        await run_migrations(engine, MIGRATIONS, revision=BEFORE)
        values = {"application_id": "app-1", "lsp_code": "LSP-A", "type": "application.submitted",
                  "attempt_count": 1, "redeliveries": 0, "created_at": at, "body": json.dumps({"nik": NIK})}
        deliveries = table("webhook_deliveries", *(column(k) for k in ("id", "dedupe_key", "status", *values)))
        async with engine.begin() as conn:
            for n, status in enumerate(("delivered", "dead")):
                await conn.execute(insert(deliveries).values(id=f"d-{n}", dedupe_key=f"k-{n}", status=status,
                                                             **values))
        await run_migrations(engine, MIGRATIONS)
        query = text("SELECT body FROM webhook_deliveries ORDER BY id")
        async with engine.connect() as conn:
            delivered, dead = (await conn.execute(query)).scalars()
        assert delivered is None and dead is not None  # (sealed at the service's start-up)

        await downgrade(engine, MIGRATIONS, BEFORE)
        async with engine.connect() as conn:
            emptied, kept = (await conn.execute(query)).scalars()
        assert emptied == "" and kept is not None  # the emptied one cannot come back
    finally:
        await engine.dispose()
