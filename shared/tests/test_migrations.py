"""Migrations: the outbox/inbox revision every service shares, Alembic's heads, the prestart
step (``python -m scripts.migrate``) and the lock that lets several processes migrate one
database at once."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sys
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

import shared.migrations
from shared.database import (
    MIGRATION_LOCK_KEY,
    NAMING_CONVENTION,
    create_engine,
    database_revisions,
    migration_lock_path,
    run_migrations,
    script_heads,
)
from shared.tests.migrating import downgrade

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = sorted((ROOT / "services").glob("*/db/migrations"))
BNSP = ROOT / "services" / "bnsp_mock" / "db" / "migrations"


def _script(folder: Path):  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(folder))


def test_every_service_shares_one_outbox_and_inbox_revision() -> None:
    assert len(FOLDERS) == 5
    for folder in FOLDERS:
        first = _script(folder).get_revision("0001")
        assert first is not None and first.down_revision is None, folder
        # Same revision id as before the definition moved to shared/: migrated databases stay put.
        assert first.module.create_outbox_and_inbox is shared.migrations.create_outbox_and_inbox, folder
        assert first.module.drop_outbox_and_inbox is shared.migrations.drop_outbox_and_inbox, folder
        assert _script(folder).get_base() == "0001"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.parent.parent.name)
async def test_shared_revision_matches_the_outbox_and_inbox_models(folder: Path, tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.orm import DeclarativeBase

    from shared.outbox import InboxMixin, OutboxMixin

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    class Outbox(OutboxMixin, Base):
        pass

    class Inbox(InboxMixin, Base):
        pass

    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, Base.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table")]  # the service's own tables

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    try:
        await run_migrations(engine, folder, revision="0001")
        assert await database_revisions(engine) == {"0001"}
        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


async def test_the_shared_revision_downgrades(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    try:
        await run_migrations(engine, BNSP)

        await downgrade(engine, BNSP, "base")
        async with engine.connect() as conn:
            tables = set((await conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))).scalars())
        assert tables <= {"alembic_version"}
        await run_migrations(engine, BNSP)
        assert await database_revisions(engine) == script_heads(BNSP)
    finally:
        await engine.dispose()


def test_heads_come_from_alembic() -> None:
    # 0004 (the eligibility re-check, issue 11) followed 0002 on the workflow's branch, beside
    # 0003_issuance; 0005_audit (issue 12) merges the two, so neither is a head any more.
    assert script_heads(ROOT / "services" / "lsp" / "db" / "migrations").isdisjoint({"0004", "0003_issuance"})
    for folder in FOLDERS:
        assert script_heads(folder) == set(_script(folder).get_heads())


# --- the lock ------------------------------------------------------------------------------


def test_sqlite_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert migration_lock_path(f"sqlite+aiosqlite:///{tmp_path}/x.db") == tmp_path / "x.db.migrate-lock"
    assert migration_lock_path("sqlite+aiosqlite:///:memory:") is None
    assert migration_lock_path("sqlite+aiosqlite://") is None


async def test_sqlite_migration_waits_for_the_file_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/m.db"
    lock_path = migration_lock_path(url)
    assert lock_path is not None
    engine = create_engine(url)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process migrating
        task = asyncio.create_task(run_migrations(engine, BNSP))
        await asyncio.sleep(0.5)
        assert not task.done()
        assert await database_revisions(engine) == set()
        fcntl.flock(fd, fcntl.LOCK_UN)
        await asyncio.wait_for(task, 30)
        assert await database_revisions(engine) == script_heads(BNSP)
    finally:
        os.close(fd)
        await engine.dispose()


async def _waiting_for_advisory_lock(admin: asyncpg.Connection, database: str) -> int:
    return int(await admin.fetchval(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1", database))


def _asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.mark.postgres
async def test_postgres_migration_waits_for_the_advisory_lock(pg_url: str) -> None:
    database = pg_url.rsplit("/", 1)[1]
    holder = await asyncpg.connect(_asyncpg_url(pg_url))
    engine = create_engine(pg_url, pool_size=2)
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)  # another process migrating
        task = asyncio.create_task(run_migrations(engine, BNSP))
        for _ in range(100):
            if await _waiting_for_advisory_lock(holder, database) == 1:
                break
            await asyncio.sleep(0.1)
        assert await _waiting_for_advisory_lock(holder, database) == 1
        assert not task.done()
        assert await database_revisions(engine) == set()
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        await asyncio.wait_for(task, 60)
        assert await database_revisions(engine) == script_heads(BNSP)
        # Released again, on a connection the pool got back unlocked.
        assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK_KEY)
    finally:
        await holder.close()
        await engine.dispose()


async def _prestart(url: str, service: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKK_")}
    env["SKK_DATABASE_URL"] = url
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scripts.migrate", "--service", service, env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.postgres
async def test_two_prestart_steps_migrate_one_fresh_postgres_database_at_once(pg_url: str) -> None:
    """Two ``python -m scripts.migrate`` processes started together against one empty database
    (as two replicas of a service would): both succeed, one migrates, the other finds it done."""
    database = pg_url.rsplit("/", 1)[1]
    holder = await asyncpg.connect(_asyncpg_url(pg_url))
    procs: list[asyncio.subprocess.Process] = []
    try:
        # Held until both processes queue behind it, so that they surely overlap.
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        procs = [await _prestart(pg_url, "lsp_a"), await _prestart(pg_url, "lsp_a")]
        for _ in range(300):
            if await _waiting_for_advisory_lock(holder, database) == 2:
                break
            assert all(p.returncode is None for p in procs)
            await asyncio.sleep(0.1)
        assert await _waiting_for_advisory_lock(holder, database) == 2
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        outputs = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
        for p, (_, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err.decode()
        lines = [out.decode().strip() for out, _ in outputs]
        heads = ",".join(sorted(script_heads(ROOT / "services" / "lsp" / "db" / "migrations")))
        assert sum(f"empty -> heads {heads}" in line for line in lines) == 1, lines
        assert sum(f"already at heads {heads}" in line for line in lines) == 1, lines
        assert any(b"waiting for another process to finish migrating" in err for _, err in outputs)
        versions = {r["version_num"] for r in await holder.fetch("SELECT version_num FROM alembic_version")}
        assert versions == script_heads(ROOT / "services" / "lsp" / "db" / "migrations")
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
                await p.wait()
        await holder.close()


@pytest.mark.postgres
async def test_two_prestart_steps_race_unaided(pg_url: str) -> None:
    """The same without holding the lock first: whichever wins, both finish at the heads."""
    procs = [await _prestart(pg_url, "portal"), await _prestart(pg_url, "portal")]
    outputs = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
    for p, (_, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err.decode()
    engine = create_engine(pg_url, pool_size=1)
    try:
        assert await database_revisions(engine) == script_heads(ROOT / "services" / "portal" / "db" / "migrations")
    finally:
        await engine.dispose()
