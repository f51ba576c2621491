"""Issue 12, personal data at rest in BNSP: the facts of an issuance recorded before encryption
(NIK, name) are sealed by the migration (on BNSP's engine) or at BNSP's next start-up; the models
and the migrations agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.bnsp_mock.app import MIGRATIONS
from services.bnsp_mock.db.models import Base, Issuance
from services.bnsp_mock.settings import BnspSettings
from services.bnsp_mock.tests.helpers import running
from shared.crypto import DataKeys, attach_data_keys
from shared.database import create_engine, run_migrations

FACTS = {"nik": "3171011708900001", "full_name": "Budi Santoso"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def legacy_issuance(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS, revision="0003_audit")
    values: dict[str, Any] = {"lsp_code": "LSP-A", "application_id": "app-1", "skk_number": "SKK-1",
                              "registration_number": "REG-1", "year": 2026, "seq": 1, "facts": json.dumps(FACTS),
                              "decided_at": T0, "issued_at": T0}
    async with engine.begin() as conn:
        await conn.execute(insert(table("issuance", *(column(k) for k in values))).values(**values))


async def assert_sealed_and_readable(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT facts FROM issuance"))).scalar_one()
    assert FACTS["nik"] not in stored and FACTS["full_name"] not in stored
    async with AsyncSession(engine) as s:
        assert (await s.execute(select(Issuance.facts))).scalar_one() == FACTS


def models_diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def check_migration(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(BnspSettings()))
    try:
        await legacy_issuance(engine)
        await run_migrations(engine, MIGRATIONS)
        await assert_sealed_and_readable(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(models_diff) == []
    finally:
        await engine.dispose()


async def test_the_migration_encrypts_existing_facts(sqlite_url: str) -> None:
    await check_migration(sqlite_url)


async def test_the_migration_encrypts_existing_facts_on_postgres(pg_url: str) -> None:
    await check_migration(pg_url)


async def test_without_keys_the_start_up_seals_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    engine = create_engine(url)
    try:
        await legacy_issuance(engine)
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            assert json.loads((await conn.execute(text("SELECT facts FROM issuance"))).scalar_one()) == FACTS
    finally:
        await engine.dispose()
    async with running(url) as (app, _):
        await assert_sealed_and_readable(app.state.runtime.engine)
