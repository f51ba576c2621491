"""Every service keeps its outbox's payloads sealed at rest (shared.outbox.SealedOutboxMixin): the
revision that seals them encrypts the rows already there, the relay reads them back in clear, and
the downgrade returns them to plain JSON. An email event (its recipient and text) stands for the
events that carry personal data."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import column, insert, table, text

from shared.bus import EventEnvelope, InProcessBus
from shared.crypto import DataKeys, attach_data_keys
from shared.database import create_engine, make_session_factory, run_migrations
from shared.outbox import add_event
from shared.outbox_relay import OutboxRelay
from shared.settings import ServiceSettings
from shared.tests.migrating import downgrade

PAYLOAD = {"to": "siti.nurhaliza@example.com", "subject": "Akun SKK", "body": "Yth. Siti Nurhaliza, ..."}
SERVICES = {  # service package: the revision before the outbox was sealed
    "bnsp_mock": "0008_skk_number_reuse", "lpjk_mock": "0009_listed_status_index",
    "lsp": "0016_list_and_sweep_indexes", "portal": "0018_sweep_indexes", "siki": "0017_list_indexes",
}


class Recorder(InProcessBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[EventEnvelope] = []

    async def publish(self, event: EventEnvelope) -> None:
        self.published.append(event)


def _in_clear(stored: str) -> bool:
    return PAYLOAD["to"] in stored or "Nurhaliza" in stored


@pytest.fixture(params=["sqlite_url", "pg_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_the_revision_seals_the_rows_and_the_relay_reads_them(service: str, url: str) -> None:
    migrations = Path(importlib.import_module(f"services.{service}.app").__file__ or "").parent / "db" / "migrations"
    outbox_model: Any = importlib.import_module(f"services.{service}.db.models").OutboxEvent
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(ServiceSettings(service_name=service)))
    try:
        await run_migrations(engine, migrations, revision=SERVICES[service])
        values = {"event_id": "e-old", "type": "portal.email_requested", "version": 1, "correlation_id": "c",
                  "occurred_at": datetime(2026, 12, 1, tzinfo=UTC), "source": service, "publish_attempts": 0,
                  "payload": json.dumps(PAYLOAD)}
        async with engine.begin() as conn:
            await conn.execute(insert(table("outbox", *(column(k) for k in values))).values(**values))

        await run_migrations(engine, migrations)
        sessions = make_session_factory(engine)
        async with sessions() as s, s.begin():
            add_event(s, outbox_model, "portal.email_requested", PAYLOAD, source=service)
        async with engine.connect() as conn:
            stored = list((await conn.execute(text("SELECT payload FROM outbox ORDER BY seq"))).scalars())
        assert len(stored) == 2 and not any(_in_clear(v) for v in stored)

        bus = Recorder()
        assert await OutboxRelay(sessions, outbox_model, bus).publish_pending() == 2
        assert [e.payload for e in bus.published] == [PAYLOAD, PAYLOAD]

        await downgrade(engine, migrations, SERVICES[service])
        async with engine.connect() as conn:
            plain = list((await conn.execute(text("SELECT payload FROM outbox ORDER BY seq"))).scalars())
        assert [json.loads(v) if isinstance(v, str) else v for v in plain] == [PAYLOAD, PAYLOAD]
    finally:
        await engine.dispose()
