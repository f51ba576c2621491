"""The `limits` storage on a service's own database (PostgreSQL): imported by shared/throttle.py
when a throttle is first used, so that `limits` is not imported at start-up (issue 17). Each
operation is one statement: on PostgreSQL it runs without BEGIN and COMMIT/ROLLBACK round trips
(``shared.database``), which a throttled request used to pay on every check and count."""

from __future__ import annotations

import time

import sqlalchemy as sa
from limits.aio.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.database import autocommit_read, single_statement

_COUNTERS = sa.table(
    "rate_limit_counters",
    sa.column("key", sa.String),
    sa.column("count", sa.Integer),
    sa.column("expires_at", sa.Float),
)


class SqlStorage(Storage):
    """A `limits` storage on the service's own database (the ``rate_limit_counters`` table)."""

    STORAGE_SCHEME = ["skk-sql"]

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(None, wrap_exceptions=False)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.SQLAlchemyError

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        insert = (postgresql.insert(_COUNTERS) if self.engine.dialect.name == "postgresql"
                  else sqlite.insert(_COUNTERS))
        expired = _COUNTERS.c.expires_at <= now
        stmt = insert.values(key=key, count=amount, expires_at=now + expiry).on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": sa.case((expired, amount), else_=_COUNTERS.c.count + amount),
                "expires_at": sa.case((expired, now + expiry), else_=_COUNTERS.c.expires_at),
            },
        ).returning(_COUNTERS.c.count)
        async with single_statement(self.engine) as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def get(self, key: str) -> int:
        async with autocommit_read(self.engine) as conn:
            value = (await conn.execute(sa.select(_COUNTERS.c.count).where(
                _COUNTERS.c.key == key, _COUNTERS.c.expires_at > time.time()))).scalar()
        return int(value or 0)

    async def get_expiry(self, key: str) -> float:
        async with autocommit_read(self.engine) as conn:
            value = (await conn.execute(sa.select(_COUNTERS.c.expires_at).where(_COUNTERS.c.key == key))).scalar()
        return float(value) if value is not None else time.time()

    async def check(self) -> bool:
        async with autocommit_read(self.engine) as conn:
            await conn.execute(sa.select(1))
        return True

    async def reset(self) -> int | None:
        async with single_statement(self.engine) as conn:
            return (await conn.execute(sa.delete(_COUNTERS))).rowcount

    async def clear(self, key: str) -> None:
        async with single_statement(self.engine) as conn:
            await conn.execute(sa.delete(_COUNTERS).where(_COUNTERS.c.key == key))

    async def purge_expired(self) -> int:
        async with single_statement(self.engine) as conn:
            return (await conn.execute(sa.delete(_COUNTERS).where(_COUNTERS.c.expires_at <= time.time()))).rowcount
