"""Issue 12, personal data at rest: after a submission through the portal and SIKI (in-process,
one bus), neither database holds the NIK, the NPWP (in any notation) or an LSP's webhook secret in
clear, and the portal's stored documents hold none of their plaintext."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text

from scripts.simulator.files import tiny_pdf
from services.portal.app import MIGRATIONS
from services.portal.db.models import Application, Base
from services.portal.settings import PortalSettings
from services.portal.storage import SEALED_MARKER, DocumentStore
from services.portal.tests.factories import Portal, make_nik, make_npwp, portal_settings, running_portal
from services.siki.app import create_app as create_siki
from services.siki.db.models import Application as SikiApplication
from services.siki.db.models import Lsp, WebhookDelivery
from services.siki.tests.conftest import LSP_URLS, Harness, build_settings
from shared.bus import InProcessBus, RetryPolicy
from shared.crypto import TEXT_PREFIX, DataKeys, DecryptionError, attach_data_keys
from shared.database import create_engine, run_migrations
from shared.devdefaults import dev_webhook_secret
from shared.tests.waiting import eventually

NIK = make_nik()  # the NIK the portal's factories put in the personal section
NPWP = make_npwp()
MARKER = "RAHASIA-PRIBADI-marker-4f1c"


def spellings() -> list[str]:
    """Every notation the NIK and NPWP could be stored in."""
    n = NPWP
    return [NIK, f"{NIK[:6]}.{NIK[6:12]}.{NIK[12:]}", f"{NIK[:2]}.{NIK[2:4]}.{NIK[4:6]}.{NIK[6:12]}.{NIK[12:]}",
            f"{NIK[:4]}-{NIK[4:8]}-{NIK[8:12]}-{NIK[12:]}", f"{NIK[:4]} {NIK[4:8]} {NIK[8:12]} {NIK[12:]}",
            n, f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}", n[:9], f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}"]


def webhook_secrets() -> list[str]:
    secret = dev_webhook_secret("LSP-A")
    return [secret, secret.removeprefix("whsec_")]


@dataclass
class Chain:
    portal: Portal
    siki: Harness
    lsp_a: respx.Route  # what SIKI sent LSP-A
    bus: InProcessBus


@contextlib.asynccontextmanager
async def portal_and_siki(tmp_path: Path) -> AsyncIterator[Chain]:
    """The portal and SIKI on one in-process bus, the portal's calls to SIKI served by SIKI's app,
    SIKI's webhooks to LSP-A answered 200."""
    bus = InProcessBus(RetryPolicy(max_attempts=5, base_seconds=0.05, max_seconds=0.2))
    siki_app = create_siki(build_settings(f"sqlite+aiosqlite:///{tmp_path}/siki.db"), bus=bus)
    settings = portal_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/portal.db")
    async with siki_app.router.lifespan_context(siki_app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=siki_app), base_url="http://siki.test") as client:
        siki = Harness(siki_app, client)

        async def to_siki(request: httpx.Request) -> httpx.Response:
            answer = await client.request(request.method, request.url.raw_path.decode(), content=request.content,
                                          headers=dict(request.headers))
            return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

        with respx.mock(assert_all_called=False) as http:
            http.route(host="siki.test").mock(side_effect=to_siki)
            lsp_a = http.post(LSP_URLS["LSP-A"] + "/api/v1/webhooks/siki").mock(return_value=httpx.Response(200))
            async with running_portal(settings, bus=bus) as portal:
                await bus.start()
                try:
                    yield Chain(portal, siki, lsp_a, bus)
                finally:
                    await bus.stop()



def database_text(path: Path) -> str:
    """Every value of every table, as text (bytes decoded byte for byte), plus the raw bytes of
    the database file and its write-ahead log (free pages included)."""
    parts: list[str] = []
    with contextlib.closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                parts += [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row]
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            parts.append(file.read_bytes().decode("latin-1"))
    assert len(tables) > 10, tables  # the service's own tables are there
    return "\n".join(parts)


async def submit_through_siki(chain: Chain) -> str:
    portal = chain.portal
    applicant = await portal.applicant()
    app_id, _ = await portal.complete_draft(applicant)
    r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)
    assert r.status_code == 200, r.text
    # SIKI is real here: its webhook to LSP-A may be delivered, and the portal told, before the
    # answer is built, so the answer may already say forwarded.
    assert r.json()["status"] in {"submitted", "forwarded"}

    async def delivered() -> bool:
        async with chain.siki.runtime.sessions() as s:
            statuses = (await s.execute(select(WebhookDelivery.status)
                                        .where(WebhookDelivery.application_id == app_id))).scalars().all()
        return bool(statuses) and all(st == "delivered" for st in statuses)

    await eventually(delivered, what="SIKI's webhook to LSP-A")
    return app_id


async def test_no_nik_npwp_or_webhook_secret_in_clear_in_either_database(tmp_path: Path) -> None:
    async with portal_and_siki(tmp_path) as chain:
        app_id = await submit_through_siki(chain)
        # Both services read their data back whole through their keys.
        async with chain.portal.runtime.sessions() as s:
            sections = (await s.execute(select(Application.sections).where(Application.id == app_id))).scalar_one()
        assert sections["personal"]["nik"] == NIK and sections["personal"]["npwp"] == NPWP
        async with chain.siki.runtime.sessions() as s:
            lsp = await s.get(Lsp, "LSP-A")
            assert lsp is not None and lsp.webhook_secret == dev_webhook_secret("LSP-A")
            assert (await s.execute(select(SikiApplication.nik).where(SikiApplication.nik_index == NIK))
                    ).scalar_one() == NIK  # found by its blind index
        # The NIK and NPWP did flow through: the LSP received them.
        sent = chain.lsp_a.calls.last.request.content.decode()
        assert NIK in sent and NPWP in sent
        await chain.bus.drain()  # the status events taken in by the portal too
        portal_db, siki_db = database_text(tmp_path / "portal.db"), database_text(tmp_path / "siki.db")
    assert app_id in portal_db and app_id in siki_db  # the scan does see the rows
    for needle in spellings():
        assert needle not in portal_db, f"portal stores {needle!r} in clear"
        assert needle not in siki_db, f"SIKI stores {needle!r} in clear"
    for secret in webhook_secrets():
        assert secret not in siki_db, "SIKI stores LSP-A's webhook secret in clear"


async def test_stored_documents_hold_no_plaintext(tmp_path: Path) -> None:
    async with running_portal(portal_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/portal.db")) as portal:
        applicant = await portal.applicant()
        pdf = tiny_pdf(MARKER)
        assert MARKER.encode() in pdf
        r = await portal.upload(applicant, "ktp", pdf)
        assert r.status_code == 201, r.text
        doc = r.json()
        again = await portal.upload(applicant, "npwp", pdf)  # the same bytes: stored once
        assert again.status_code == 201
        # Read back whole through the store (as the LSP's fetch and the certificate download do).
        assert await portal.app.state.portal.usecases.documents.store.get(doc["sha256"]) == pdf
    files = [p for p in Path(portal.settings.document_dir).rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) == 1
    stored = files[0].read_bytes()
    assert MARKER.encode() not in stored and b"%PDF" not in stored and b"endobj" not in stored
    assert doc["sha256"] not in str(files[0])  # not named by the digest either


# --- data stored before encryption ------------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def rows(table_name: str, /, **values: Any) -> Any:
    """An insert into a table as an earlier revision left it (untyped columns: stored as given)."""
    return insert(table(table_name, *(column(k) for k in values))).values(**values)


def models_diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


async def check_sections_migration(url: str) -> None:
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(PortalSettings()))  # as the portal's own engine
    try:
        await run_migrations(engine, MIGRATIONS, revision="0005_audit")
        async with engine.begin() as conn:
            await conn.execute(rows("users", id="u-1", email="budi@example.id", first_name="Budi", last_name="S",
                                    phone="0812", is_individual=True, data_truth_consent=True, created_at=T0))
            await conn.execute(rows(
                "applications", id="app-1", user_id="u-1", application_kind="baru", status="draft",
                sections=json.dumps({"personal": {"nik": NIK, "npwp": NPWP}}), submission_no=0, proofs_sent=0,
                appeals_filed=0, last_seq=0, reasons="[]", created_at=T0, updated_at=T0))
            # A row of another table referring to the application: the column changes in place.
            await conn.execute(rows("timeline_entries", application_id="app-1", status="draft", at=T0,
                                    actor="applicant"))
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            stored = (await conn.execute(text("SELECT sections FROM applications"))).scalar_one()
            assert stored.startswith(TEXT_PREFIX) and NIK not in stored and NPWP not in stored
            assert (await conn.execute(select(Application.sections))).scalar_one() == {
                "personal": {"nik": NIK, "npwp": NPWP}}
            assert (await conn.execute(text("SELECT count(*) FROM timeline_entries"))).scalar_one() == 1
            assert await conn.run_sync(models_diff) == []  # the models and the migrations agree
    finally:
        await engine.dispose()


async def test_the_migration_encrypts_existing_sections(sqlite_url: str) -> None:
    await check_sections_migration(sqlite_url)


async def test_the_migration_encrypts_existing_sections_on_postgres(pg_url: str) -> None:
    await check_sections_migration(pg_url)


async def test_files_stored_before_encryption_are_read_then_sealed_at_start_up(tmp_path: Path) -> None:
    settings = portal_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/portal.db")
    data = tiny_pdf(MARKER)
    sha = hashlib.sha256(data).hexdigest()
    legacy = Path(settings.document_dir) / sha[:2] / sha  # how the store named files before
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(data)
    stray = Path(settings.document_dir) / "ab" / ("ab" + "0" * 62)  # not named by its content: left alone
    stray.parent.mkdir()
    stray.write_bytes(b"not what its name says")
    async with running_portal(settings) as portal:
        store = portal.app.state.portal.usecases.documents.store
        assert not legacy.exists() and store.exists(sha)
        sealed = store.path(sha).read_bytes()
        assert MARKER.encode() not in sealed and b"%PDF" not in sealed
        assert await store.get(sha) == data
        assert stray.read_bytes() == b"not what its name says"
    # Sealed once: the next start-up does not walk the files again.
    assert (Path(settings.document_dir) / SEALED_MARKER).exists()


async def test_a_store_reads_a_legacy_file_until_it_is_sealed(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path, DataKeys.from_settings(PortalSettings()))
    data = tiny_pdf("legacy")
    sha = hashlib.sha256(data).hexdigest()
    (tmp_path / sha[:2]).mkdir()
    (tmp_path / sha[:2] / sha).write_bytes(data)
    assert store.exists(sha) and await store.get(sha) == data
    await store.put(sha, data)  # the same bytes again: now kept sealed only
    assert store.path(sha).exists() and not (tmp_path / sha[:2] / sha).exists() and await store.get(sha) == data
    # A file swapped for another document's does not open as this one.
    other = tiny_pdf("other")
    other_sha = hashlib.sha256(other).hexdigest()
    await store.put(other_sha, other)
    store.path(sha).write_bytes(store.path(other_sha).read_bytes())
    with pytest.raises(DecryptionError):
        await store.get(sha)
