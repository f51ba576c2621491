"""Issue 12, personal data at rest in an LSP: an application received before encryption (its
NIK and sections: NPWP...) is sealed by the migration (on the LSP's engine) or at the LSP's next
start-up; the applications table keeps its dependants (timeline rows refer to it); the models and
the migrations agree."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.lsp.app import MIGRATIONS
from services.lsp.db.models import Application, Base, TimelineEntry
from services.lsp.tests.support import running, settings_for
from shared.crypto import DataKeys, attach_data_keys
from shared.database import create_engine, run_migrations

NIK = "3171011708900001"
NPWP = "012345674012000"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def rows(table_name: str, /, **values: Any) -> Any:
    return insert(table(table_name, *(column(k) for k in values))).values(**values)


async def legacy_application(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS, revision="0005_audit")
    async with engine.begin() as conn:
        await conn.execute(rows(
            "applications", id="app-1", status="received", submission_no=1, lsp_code="LSP-A", lsp_name="LSP A",
            applicant_user_id="u-1", email="budi@example.id", full_name="Budi Santoso", nik=NIK,
            klasifikasi_code="SI", subklasifikasi_code="SI01", kualifikasi="Ahli", jabatan_kerja_code="SI012001",
            jenjang=7, application_kind="baru", submitted_at=T0,
            sections=json.dumps({"personal": {"nik": NIK, "npwp": NPWP}}), documents="[]", payment_proof_no=0,
            created_at=T0, updated_at=T0, version=1))
        await conn.execute(rows("timeline", application_id="app-1", status="received", at=T0, actor="siki",
                                reasons="[]"))


async def assert_sealed_and_readable(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT nik, sections FROM applications"))).one()
    assert NIK not in str(stored) and NPWP not in str(stored)
    async with AsyncSession(engine) as s:
        app = await s.get(Application, "app-1")
        assert app is not None and app.nik == NIK and app.sections == {"personal": {"nik": NIK, "npwp": NPWP}}
        assert (await s.execute(select(TimelineEntry.status))).scalars().all() == ["received"]


def models_diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def check_migration(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(settings_for(url)))
    try:
        await legacy_application(engine)
        await run_migrations(engine, MIGRATIONS)
        await assert_sealed_and_readable(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(models_diff) == []
    finally:
        await engine.dispose()


async def test_the_migration_encrypts_existing_applications(sqlite_url: str) -> None:
    await check_migration(sqlite_url)


async def test_the_migration_encrypts_existing_applications_on_postgres(pg_url: str) -> None:
    await check_migration(pg_url)


async def test_without_keys_the_start_up_seals_them(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    engine = create_engine(url)
    try:
        await legacy_application(engine)
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT nik FROM applications"))).scalar_one() == NIK
    finally:
        await engine.dispose()
    async with running(settings_for(url)) as lsp:
        await assert_sealed_and_readable(lsp.app.state.runtime.engine)
