"""What a session's ``get`` costs, SQLAlchemy's against the services' (a statement kept per
entity, shared/kept_get.py): ``python -m scripts.bench.kept_get [--blocks N]``.

The same row read in one transaction on PostgreSQL, locked (``FOR UPDATE``, as the services'
steps read theirs) and not, the session emptied after each read so that every ``get`` goes to
the database. Reported in µs of this process's CPU per read (trimmed mean of blocks,
scripts/bench/clock.py); the database's own work is not in it.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from scripts.bench.clock import process_cpu_seconds, trimmed_mean
from scripts.bench.floors import drop_database, temp_database
from scripts.simulator.chains import POSTGRES_URL
from shared.database import make_session_factory


class Base(DeclarativeBase):
    pass


class Row(Base):
    """A row of the width of the services' own (a dozen columns, one JSON)."""

    __tablename__ = "kept_get_bench"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(32))
    lsp_code: Mapped[str] = mapped_column(sa.String(32))
    full_name: Mapped[str] = mapped_column(sa.String(255))
    jenjang: Mapped[int] = mapped_column(sa.Integer)
    sections: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    updated_at: Mapped[Any] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


async def _per_read(sessions: async_sessionmaker[AsyncSession], lock: bool, reads: int) -> float:
    async with sessions() as s, s.begin():
        start = process_cpu_seconds()
        for n in range(reads):
            await s.get(Row, f"r{n % 50}", with_for_update=lock)
            s.expunge_all()
        return (process_cpu_seconds() - start) / reads * 1e6


async def measure(*, blocks: int, reads: int = 300, admin_url: str = POSTGRES_URL) -> dict[str, float]:
    name, url = await temp_database(admin_url)
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            await conn.execute(sa.insert(Row), [{"id": f"r{n}", "status": "submitted", "lsp_code": "LSP-A",
                                                  "full_name": "Budi Santoso", "jenjang": 7,
                                                  "sections": {"personal": {"n": n}}} for n in range(50)])
        kinds = {"SQLAlchemy's get": async_sessionmaker(engine, sync_session_class=Session),
                 "kept statement": make_session_factory(engine)}
        spent: dict[str, list[float]] = {}
        for _ in range(blocks):
            for label, sessions in kinds.items():
                for lock in (True, False):
                    spent.setdefault(f"{label}, {'locked' if lock else 'not locked'}", []).append(
                        await _per_read(sessions, lock, reads))
        return {label: round(trimmed_mean(values), 1) for label, values in spent.items()}
    finally:
        await engine.dispose()
        await drop_database(admin_url, name)


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m scripts.bench.kept_get", description=__doc__)
    p.add_argument("--blocks", type=int, default=10)
    args = p.parse_args()
    for label, micros in asyncio.run(measure(blocks=args.blocks)).items():
        print(f"{label:34} {micros:7.1f} µs of CPU per read")


if __name__ == "__main__":
    main()
