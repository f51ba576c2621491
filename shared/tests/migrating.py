"""A service's database taken back to an earlier revision, for the tests of a revision's
downgrade (the counterpart of ``shared.database.run_migrations``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.database import _alembic_config


async def downgrade(engine: AsyncEngine, script_location: str | Path, revision: str) -> None:
    """Downgrade the database of ``engine`` to ``revision`` (``base``: nothing left), in one
    transaction, on ``engine`` itself (its data keys attached, for revisions that unseal)."""

    def down(connection: Connection) -> None:
        from alembic import command

        command.downgrade(_alembic_config(script_location, connection), revision)

    async with engine.begin() as conn:
        await conn.run_sync(down)
