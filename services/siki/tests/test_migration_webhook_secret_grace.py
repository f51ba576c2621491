"""Revision 0004: the previous webhook secret columns, and delivery-log excerpts logged before
issue 11 (500 characters) cut to 200; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from services.siki.app import MIGRATIONS
from shared.database import create_engine, run_migrations


async def _check(url: str) -> None:
    engine = create_engine(url)
    try:
        await run_migrations(engine, MIGRATIONS, revision="0003_nik_bindings")
        async with engine.begin() as conn:
            now = datetime.now(UTC)
            await conn.execute(text(
                "INSERT INTO webhook_deliveries (id, dedupe_key, application_id, lsp_code, type, body, status, "
                "attempt_count, redeliveries, created_at) VALUES ('d1', 'k1', 'a1', 'LSP-A', 'application.submitted', "
                "'{}', 'delivered', 2, 0, :now)"), {"now": now})
            for no, excerpt in ((1, "z" * 500), (2, "short answer")):
                await conn.execute(text(
                    "INSERT INTO webhook_attempts (delivery_id, attempt_no, at, status_code, response_excerpt, "
                    "duration_ms) VALUES ('d1', :no, :now, 200, :excerpt, 5)"),
                    {"no": no, "now": now, "excerpt": excerpt})
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT response_excerpt FROM webhook_attempts ORDER BY attempt_no"))).scalars().all()
            cols = (await conn.execute(text("SELECT previous_webhook_secret, previous_secret_until FROM lsps"))).all()
        assert rows == ["z" * 199 + "…", "short answer"]
        assert cols == []
    finally:
        await engine.dispose()


async def test_on_sqlite(sqlite_url: str) -> None:
    await _check(sqlite_url)


@pytest.mark.postgres
async def test_on_postgres(pg_url: str) -> None:
    await _check(pg_url)
