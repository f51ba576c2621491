"""``make migrate``: apply every service's Alembic migrations to the embedded SQLite databases
(or, with ``SKK_DATABASE_URL`` and ``SERVICE=name``, to one service's database)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from shared.database import create_engine, run_migrations

ROOT = Path(__file__).resolve().parent.parent
SERVICES = {
    "portal": "portal", "siki": "siki", "lsp_a": "lsp", "lsp_b": "lsp", "bnsp": "bnsp_mock", "lpjk": "lpjk_mock",
}


async def migrate(url: str, package: str) -> None:
    engine = create_engine(url)
    try:
        await run_migrations(engine, ROOT / "services" / package / "db" / "migrations")
    finally:
        await engine.dispose()


async def main() -> None:
    one = os.environ.get("SERVICE")
    if one:
        await migrate(os.environ["SKK_DATABASE_URL"], one)
        print(f"migrated {one}")
        return
    var = Path(os.environ.get("SKK_VAR_DIR", "var"))
    for db, package in SERVICES.items():
        await migrate(f"sqlite+aiosqlite:///{var}/{db}.db", package)
        print(f"migrated {db} ({var}/{db}.db)")


if __name__ == "__main__":
    asyncio.run(main())
