"""Issue 12, personal data at rest in SIKI: rows written before encryption are sealed by the
migration (on SIKI's engine) or, when the prestart step migrated without SIKI's keys, at SIKI's
next start-up; NIK lookups go by blind index; the models and the migrations agree."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.siki.app import MIGRATIONS
from services.siki.db import queries
from services.siki.db.models import Application, Base, Lsp, NikBinding, StoredDocument
from services.siki.settings import SikiSettings
from services.siki.tests.conftest import NIK, build_settings, running, submission
from shared.crypto import LEGACY_INDEX_PREFIX, DataKeys, attach_data_keys
from shared.database import create_engine, run_migrations
from shared.tests.migrating import downgrade

SECRET = "whsec_TGVnYWN5LXNlY3JldC1iZWZvcmUtZW5jcnlwdGlvbi0x"
PREVIOUS = "whsec_T2xkLXNlY3JldC1rZXB0LWR1cmluZy1ncmFjZS0wMDAx"
NPWP = "012345674012000"
PDF = b"%PDF-1.4 certificate of Budi Santoso"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def rows(table_name: str, /, **values: Any) -> Any:
    """An insert into a table as an earlier revision left it (untyped columns: stored as given)."""
    return insert(table(table_name, *(column(k) for k in values))).values(**values)


async def legacy_database(engine: AsyncEngine) -> None:
    """SIKI's database at 0005 with a row of every kind that now holds encrypted data."""
    await run_migrations(engine, MIGRATIONS, revision="0005_audit")
    body = submission("app-1", nik=NIK, personal={"nik": NIK, "npwp": NPWP, "full_name": "Budi Santoso"})
    async with engine.begin() as conn:
        await conn.execute(rows(
            "lsps", code="LSP-X", name="LSP X", webhook_url="http://lsp-x.test/hook", webhook_secret=SECRET,
            api_key_sha256="a" * 64, jabatan_kerja_codes='["SI012022"]', active=True, created_at=T0,
            previous_webhook_secret=PREVIOUS, previous_secret_until=T0))
        await conn.execute(rows(
            "applications", id="app-1", nik=NIK, lsp_code="LSP-X", applicant_user_id="acct-1",
            applicant_email="budi@example.id", klasifikasi_code="SI", subklasifikasi_code="SI01",
            kualifikasi="Teknisi/Analis", jabatan_kerja_code="SI012022", jenjang=4, status="submitted",
            submission_no=1, last_seq=1, submission=json.dumps(body), last_proof_no=0, created_at=T0, updated_at=T0))
        await conn.execute(rows(
            "skk_register", recording_number="REC-1", nik=NIK, skk_number="SKK-1", registration_number="REG-1",
            lsp_code="LSP-X", application_id="app-0", klasifikasi_code="SI", subklasifikasi_code="SI01",
            kualifikasi="Teknisi/Analis", jabatan_kerja_code="SI012001", jenjang=4, issued_on=date(2025, 1, 1),
            valid_until=date(2030, 1, 1), revoked=False, recorded_at=T0))
        await conn.execute(rows("nik_bindings", nik=NIK, account_id="acct-1", bound_at=T0))
        await conn.execute(rows(
            "webhook_deliveries", id="d-1", dedupe_key="submission:app-1:1", application_id="app-1",
            lsp_code="LSP-X", type="application.submitted", body=json.dumps({"data": body}), status="delivered",
            attempt_count=1, redeliveries=0, created_at=T0))
        await conn.execute(rows("documents", sha256="c" * 64, content_type="application/pdf", size=len(PDF),
                                content=PDF, stored_at=T0))


async def raw(engine: AsyncEngine) -> str:
    """What the database holds, read without keys."""
    out = []
    async with engine.connect() as conn:
        for q in ("SELECT webhook_secret, previous_webhook_secret FROM lsps",
                  "SELECT nik, nik_index, submission FROM applications", "SELECT nik, nik_index FROM skk_register",
                  "SELECT nik, nik_index FROM nik_bindings", "SELECT body FROM webhook_deliveries",
                  "SELECT content FROM documents"):
            for row in (await conn.execute(text(q))).all():
                out += [bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row]
    return "\n".join(out)


def assert_sealed(stored: str) -> None:
    for clear in (NIK, NPWP, SECRET, PREVIOUS, SECRET.removeprefix("whsec_"), "Budi Santoso", "%PDF"):
        assert clear not in stored, clear
    assert LEGACY_INDEX_PREFIX not in stored


async def assert_indexed(engine: AsyncEngine) -> None:
    """Every blind index filled with the NIK's keyed hash."""
    async with engine.connect() as conn:
        for name in ("applications", "skk_register", "nik_bindings"):
            indexes = (await conn.execute(text(f"SELECT nik_index FROM {name}"))).scalars().all()
            assert indexes and all(i and len(i) == 64 and not i.startswith(LEGACY_INDEX_PREFIX) for i in indexes)


async def assert_readable(engine: AsyncEngine) -> None:
    """Through the models: the plaintext back, and the NIK found by its blind index."""
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as s:
        lsp = await s.get(Lsp, "LSP-X")
        assert lsp is not None and (lsp.webhook_secret, lsp.previous_webhook_secret) == (SECRET, PREVIOUS)
        app = (await s.execute(select(Application).where(Application.nik_index == NIK))).scalar_one()
        assert app.nik == NIK and app.submission["sections"]["personal"]["npwp"] == NPWP
        binding = (await s.execute(select(NikBinding).where(NikBinding.nik_index == NIK))).scalar_one()
        assert (binding.nik, binding.account_id) == (NIK, "acct-1")
        skk, in_progress = await queries.skk_of(s, "3171-0117-0890-0001")  # separators: the same index
        assert [h.recording_number for h in skk] == ["REC-1"] and [a.id for a in in_progress] == ["app-1"]
        assert (await s.get(StoredDocument, "c" * 64)).content == PDF  # type: ignore[union-attr]


def models_diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def test_the_migration_encrypts_existing_rows(sqlite_url: str) -> None:
    await check_migration(sqlite_url)


async def test_the_migration_encrypts_existing_rows_on_postgres(pg_url: str) -> None:
    await check_migration(pg_url)


async def check_migration(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(SikiSettings()))  # as SIKI's own engine carries them
    try:
        await legacy_database(engine)
        await run_migrations(engine, MIGRATIONS)
        assert_sealed(await raw(engine))
        await assert_indexed(engine)
        await assert_readable(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(models_diff) == []
    finally:
        await engine.dispose()


async def test_without_keys_the_migration_leaves_rows_for_the_start_up(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    engine = create_engine(url)  # as the prestart step's: no service's keys
    try:
        await legacy_database(engine)
        await run_migrations(engine, MIGRATIONS)
        stored = await raw(engine)
        assert NIK in stored and SECRET in stored and f"{LEGACY_INDEX_PREFIX}{NIK}" in stored
    finally:
        await engine.dispose()
    async with running(build_settings(url)) as h:
        assert_sealed(await raw(h.runtime.engine))
        await assert_indexed(h.runtime.engine)
        await assert_readable(h.runtime.engine)
        # And SIKI answers a NIK lookup from it.
        r = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.portal)
        assert r.status_code == 200, r.text
        assert [s["recording_number"] for s in r.json()["skk"]] == ["REC-1"]


async def test_another_services_keys_do_not_open_sikis_data(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    attach_data_keys(engine, DataKeys.from_settings(SikiSettings()))
    try:
        await legacy_database(engine)
        await run_migrations(engine, MIGRATIONS)
        attach_data_keys(engine, DataKeys.from_settings(SikiSettings(service_name="portal")))
        from sqlalchemy.ext.asyncio import AsyncSession

        async with AsyncSession(engine) as s:
            # Another blind-index key: the NIK is not found; another data key: nothing opens.
            assert (await s.execute(select(Application.id).where(Application.nik_index == NIK))).first() is None
            with pytest.raises(Exception, match="does not open"):
                await s.get(Lsp, "LSP-X")
    finally:
        await engine.dispose()


async def test_the_migration_downgrades_back_to_clear_and_up_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    attach_data_keys(engine, DataKeys.from_settings(SikiSettings()))
    try:
        await legacy_database(engine)
        await run_migrations(engine, MIGRATIONS)

        await downgrade(engine, MIGRATIONS, "0005_audit")
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT nik FROM nik_bindings"))).scalar_one() == NIK
            assert (await conn.execute(text("SELECT webhook_secret FROM lsps"))).scalar_one() == SECRET
            assert NPWP in (await conn.execute(text("SELECT submission FROM applications"))).scalar_one()
        await run_migrations(engine, MIGRATIONS)
        assert_sealed(await raw(engine))
        await assert_readable(engine)
    finally:
        await engine.dispose()
