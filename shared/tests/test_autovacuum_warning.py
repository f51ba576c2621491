"""A production service warns at start-up when its PostgreSQL runs without autovacuum (tables
never analyzed: prepared statements keep the plans they got on nearly empty tables). Which way
the server is set is the machine's; the test checks the warning against it either way."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from structlog.testing import capture_logs

from shared import housekeeping
from shared.database import autovacuum_off
from shared.outbox import InboxMixin, OutboxMixin
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings


@pytest.fixture(params=["pg_url", "sqlite_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


async def test_the_warning_follows_the_servers_setting(url: str) -> None:
    settings = ServiceSettings(service_name="siki", database_url=url, migrate_on_startup=False)
    runtime = ServiceRuntime(settings, outbox_model=OutboxMixin, inbox_model=InboxMixin, migrations=".")
    try:
        expected = False
        if runtime.engine.dialect.name == "postgresql":
            async with runtime.engine.connect() as conn:
                setting = await conn.scalar(text("SELECT setting FROM pg_settings WHERE name = 'autovacuum'"))
            expected = setting == "off"
        assert await autovacuum_off(runtime.engine) is expected
        with capture_logs() as logs:
            assert await housekeeping.warn_without_autovacuum(runtime) is expected
    finally:
        await runtime.engine.dispose()
    said = [e for e in logs if e["log_level"] == "warning" and "autovacuum off" in e["event"]]
    assert len(said) == (1 if expected else 0)
