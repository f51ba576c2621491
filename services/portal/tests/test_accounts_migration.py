"""Migration 0007_accounts matches the account tables of db/models.py, and takes the old
login-failure rows with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection

from services.portal.app import MIGRATIONS
from services.portal.db.models import Base
from shared.database import create_engine, run_migrations

ACCOUNT_TABLES = {"users", "activation_tokens", "password_reset_tokens"}


def _table_of(diff: Any) -> str | None:
    """The table an Alembic autogenerate diff entry is about."""
    entry = diff[0] if isinstance(diff, list) else diff
    for part in entry[1:]:
        table = getattr(part, "table", None)
        if isinstance(part, str) and part in ACCOUNT_TABLES:
            return part
        if table is not None:
            return str(table.name)
        if getattr(part, "name", None) and hasattr(part, "columns") and hasattr(part, "indexes"):
            return str(part.name)
    return None


async def test_the_account_tables_match_the_models(tmp_path: Path) -> None:
    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        ours = MetaData(naming_convention=Base.metadata.naming_convention)
        for name in ACCOUNT_TABLES:
            Base.metadata.tables[name].to_metadata(ours)
        return [d for d in compare_metadata(ctx, ours) if _table_of(d) in ACCOUNT_TABLES]  # others aren't ours

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/accounts.db")
    try:
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert ACCOUNT_TABLES <= tables and "login_failures" not in tables
    finally:
        await engine.dispose()


async def test_upgrade_drops_login_failures_and_starts_versions_at_zero(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/upgrade.db")
    try:
        await run_migrations(engine, MIGRATIONS, revision="0005_audit")
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO users (id, email, first_name, last_name, phone, is_individual, "
                                    "data_truth_consent, created_at) VALUES ('u1', 'a@example.id', 'A', 'B', "
                                    "'081234567890', 1, 1, '2026-01-01 00:00:00')"))
            await conn.execute(text("INSERT INTO login_failures (email, at) VALUES ('nobody@example.id', "
                                    "'2026-01-01 00:00:00')"))
        await run_migrations(engine, MIGRATIONS, revision="0007_accounts")
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT token_version FROM users"))).scalar_one() == 0
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert "login_failures" not in tables
    finally:
        await engine.dispose()
