"""Issue 12, personal data at rest in LPJK's register: a record written before encryption is
sealed and blind-indexed by the migration (on LPJK's engine) or at LPJK's next start-up (after a
prestart step that had no keys); the models and the migrations agree."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.lpjk_mock.app import MIGRATIONS
from services.lpjk_mock.db.models import Base, SkkRecord
from services.lpjk_mock.settings import LpjkSettings
from services.lpjk_mock.tests.helpers import running
from shared.crypto import DataKeys, attach_data_keys
from shared.database import create_engine, run_migrations

NIK = "3171011708900001"
NAME = "Budi Santoso Legacy"


async def legacy_record(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS, revision="0003_audit")
    values: dict[str, Any] = {
        "recording_number": "REC-1", "skk_number": "SKK-1", "registration_number": "REG-1", "lsp_code": "LSP-A",
        "application_id": "app-1", "nik": NIK, "full_name": NAME, "klasifikasi_code": "SI",
        "subklasifikasi_code": "SI01", "kualifikasi": "Ahli", "jabatan_kerja_code": "SI012001", "jenjang": 7,
        "issued_on": date(2026, 1, 1), "valid_until": date(2031, 1, 1),
        "facts": json.dumps({"nik": NIK, "full_name": NAME}), "qr_payload": "qr", "key_id": "k",
        "recorded_at": datetime(2026, 1, 1, tzinfo=UTC)}
    async with engine.begin() as conn:
        await conn.execute(insert(table("skk_record", *(column(k) for k in values))).values(**values))


async def assert_sealed_and_readable(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT nik, nik_index, facts FROM skk_record"))).one()
    assert NIK not in str(stored) and NAME not in str(stored[2]) and len(stored[1]) == 64
    async with AsyncSession(engine) as s:
        record = (await s.execute(select(SkkRecord).where(SkkRecord.nik_index == NIK))).scalar_one()
    assert record.nik == NIK and record.facts == {"nik": NIK, "full_name": NAME}


def models_diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def check_migration(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(LpjkSettings()))
    try:
        await legacy_record(engine)
        await run_migrations(engine, MIGRATIONS)
        await assert_sealed_and_readable(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(models_diff) == []
    finally:
        await engine.dispose()


async def test_the_migration_encrypts_and_indexes_existing_records(sqlite_url: str) -> None:
    await check_migration(sqlite_url)


async def test_the_migration_encrypts_and_indexes_existing_records_on_postgres(pg_url: str) -> None:
    await check_migration(pg_url)


async def test_without_keys_the_start_up_seals_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    engine = create_engine(url)
    try:
        await legacy_record(engine)
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT nik, nik_index FROM skk_record"))).one() == (NIK, None)
    finally:
        await engine.dispose()
    async with running(url) as (app, _):
        await assert_sealed_and_readable(app.state.runtime.engine)
