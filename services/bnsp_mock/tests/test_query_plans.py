"""BNSP's issuances (new, repeated, renewed, changed, retried with an Idempotency-Key) and its
operators' reads find their rows through indexes, so that their cost does not grow with the
issuances BNSP has made (shared/tests/plans.py: a generic plan, as asyncpg's prepared statements
come to use, could turn a lookup into a full scan)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.bnsp_mock.tests.helpers import auth, plan, running
from shared.database import engine_of
from shared.tests.operators import create_operator_session
from shared.tests.plans import described, full_scans, statements_of

GROWING = ["issuance", "outbox", "inbox", "idempotency_keys", "audit_log"]


@pytest.mark.postgres
async def test_issuing_and_the_operators_reads_never_read_a_growing_table_whole(pg_url: str) -> None:
    async with running(pg_url) as (app, client):
        engine = engine_of(app.state.runtime.sessions)
        op = await create_operator_session(client, "bnsp")
        async with statements_of(engine) as sent:
            held = (await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())).json()
            repeat = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
            assert repeat.status_code == 200, repeat.text
            for n, kind in enumerate(("perpanjangan", "perubahan", "perubahan"), start=2):
                body = plan(f"app-{n}", application_kind=kind, previous_skk_number=held["skk_number"])
                r = await client.post("/api/v1/issuances", json=body, headers=auth())
                assert r.status_code == 201, r.text
            keyed = {**auth(), "Idempotency-Key": "plans-1"}
            for status in (201, 201):  # the second answered from the stored answer
                r = await client.post("/api/v1/issuances", json=plan("app-9"), headers=keyed)
                assert r.status_code == status, r.text
            past = (datetime.now(UTC) - timedelta(days=1700)).isoformat()
            r = await client.post("/api/v1/dev/backdated-issuances", headers=op,
                                  json={"lsp_code": "LSP-A", "application_id": "app-old", "issued_at": past})
            assert r.status_code == 200, r.text
            for url in ("/api/v1/audit-events", "/api/v1/audit-events?action=operator.login"):
                assert (await client.get(url, headers=op)).status_code == 200, url
            await app.state.idempotency.purge_expired()
        assert len(sent) > 10
        found = await full_scans(engine, sent, GROWING)
        assert not found, described(found)
