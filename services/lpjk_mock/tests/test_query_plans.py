"""The register's journeys read it through indexes, so that their cost does not grow with the
register (shared/tests/plans.py: a generic plan, as asyncpg's prepared statements come to use,
could turn a lookup into a full scan)."""

from __future__ import annotations

import pytest

from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.database import engine_of
from shared.tests.operators import create_operator_session
from shared.tests.plans import described, full_scans, statements_of

GROWING = ["skk_record", "outbox", "idempotency_keys", "audit_log"]


@pytest.mark.postgres
async def test_recording_changing_and_verifying_never_read_the_register_whole(pg_url: str) -> None:
    async with running(pg_url) as (app, client):
        engine = engine_of(app.state.runtime.sessions)
        op = await create_operator_session(client, "lpjk")
        async with statements_of(engine) as sent:
            first = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
            repeat = await client.post("/api/v1/records", json=record_body(), headers=auth())
            assert repeat.status_code == 200, repeat.text
            rn = first["recording_number"]
            renewal = record_body("SI012022.4.2026.0000002", "app-2")
            second = (await client.post("/api/v1/records", json=renewal, headers=auth())).json()
            for path in ("suspension", "reinstatement", "revocation"):
                r = await client.post(f"/api/v1/records/{rn}/{path}", json={"reason": "uji"}, headers=op)
                assert r.status_code == 200, r.text
            for url in (f"/api/v1/public/certificates/{second['recording_number']}",
                        f"/api/v1/public/credentials/{rn}", "/api/v1/public/status-lists/revocation",
                        "/api/v1/public/status-lists/suspension"):
                assert (await client.get(url)).status_code == 200, url
            verified = await client.post("/api/v1/public/qr/verify", json={"qr_payload": first["qr_payload"]})
            assert verified.status_code == 200, verified.text
        assert len(sent) > 10
        found = await full_scans(engine, sent, GROWING)
        assert not found, described(found)
