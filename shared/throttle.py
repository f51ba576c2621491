"""Counters for throttles (failed logins, emails per address, public lookups), kept by `limits`.

A :class:`Rule` is a named set of tiers ("5/minute;10/15minutes;20/hour"): the more an attacker
tries, the longer the next wait, with no tier ever longer than its window. Rules are keyed by
what the caller controls together with who is targeted, e.g. (account, client address), so an
attacker can slow their own guesses but never lock the owner out from another client.

Storage matches the service's database: in memory for SQLite (one process by design), the
``rate_limit_counters`` table on PostgreSQL (replicas share the counts). Keys are stored as a
keyed hash, never as the email or address they count.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

if TYPE_CHECKING:
    from starlette.requests import Request

    from shared.runtime import ServiceRuntime

_COUNTERS = sa.table(
    "rate_limit_counters",
    sa.column("key", sa.String),
    sa.column("count", sa.Integer),
    sa.column("expires_at", sa.Float),
)


class RateLimitCounterMixin:
    """The ``rate_limit_counters`` table (each service's db/models.py declares it)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # Epoch seconds: the limits library speaks in epoch floats, and a float compares the same
    # on SQLite and PostgreSQL.
    expires_at: Mapped[float] = mapped_column(sa.Float, nullable=False, index=True)


@dataclass(frozen=True)
class Rule:
    """A named throttle: ``limits`` is a `limits` string of one or more tiers separated by ';'."""

    name: str
    limits: str
    items: tuple[RateLimitItem, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(parse_many(self.limits)))


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
        async with self.engine.begin() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def get(self, key: str) -> int:
        async with self.engine.connect() as conn:
            value = (await conn.execute(sa.select(_COUNTERS.c.count).where(
                _COUNTERS.c.key == key, _COUNTERS.c.expires_at > time.time()))).scalar()
        return int(value or 0)

    async def get_expiry(self, key: str) -> float:
        async with self.engine.connect() as conn:
            value = (await conn.execute(sa.select(_COUNTERS.c.expires_at).where(_COUNTERS.c.key == key))).scalar()
        return float(value) if value is not None else time.time()

    async def check(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(sa.select(1))
        return True

    async def reset(self) -> int | None:
        async with self.engine.begin() as conn:
            return (await conn.execute(sa.delete(_COUNTERS))).rowcount

    async def clear(self, key: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(sa.delete(_COUNTERS).where(_COUNTERS.c.key == key))

    async def purge_expired(self) -> int:
        async with self.engine.begin() as conn:
            return (await conn.execute(sa.delete(_COUNTERS).where(_COUNTERS.c.expires_at <= time.time()))).rowcount


class Throttle:
    def __init__(self, storage: Storage, *, secret: bytes = b"") -> None:
        self.storage = storage
        self.limiter = FixedWindowRateLimiter(storage)
        self._secret = secret or b"skk-throttle"

    @classmethod
    def for_engine(cls, engine: AsyncEngine, *, secret: bytes = b"") -> Throttle:
        storage: Storage = SqlStorage(engine) if engine.dialect.name == "postgresql" else MemoryStorage()
        return cls(storage, secret=secret)

    @classmethod
    def for_runtime(cls, runtime: ServiceRuntime) -> Throttle:
        return runtime.throttle

    def _key(self, key: Sequence[str]) -> str:
        # Emails and addresses are personal data: the counter knows only a keyed hash of them.
        return hmac.new(self._secret, "\x1f".join(key).encode(), hashlib.sha256).hexdigest()[:40]

    async def _wait(self, item: RateLimitItem, rule: Rule, key: str) -> int:
        stats = await self.limiter.get_window_stats(item, rule.name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def blocked(self, rules: Sequence[Rule], *key: str) -> int | None:
        """Seconds to wait if any tier of ``rules`` is used up for ``key`` (consumes nothing)."""
        hashed = self._key(key)
        waits = [await self._wait(item, rule, hashed) for rule in rules for item in rule.items
                 if not await self.limiter.test(item, rule.name, hashed)]
        return max(waits) if waits else None

    async def hit(self, rules: Sequence[Rule], *key: str) -> int | None:
        """Counts one against every tier; the seconds to wait if one is now used up, else None."""
        hashed = self._key(key)
        waits: list[int] = []
        for rule in rules:
            for item in rule.items:
                if not await self.limiter.hit(item, rule.name, hashed):
                    waits.append(await self._wait(item, rule, hashed))
        return max(waits) if waits else None

    async def clear(self, rules: Sequence[Rule], *key: str) -> None:
        hashed = self._key(key)
        for rule in rules:
            for item in rule.items:
                await self.limiter.clear(item, rule.name, hashed)

    async def purge_expired(self) -> int:
        """Drops counters whose window has passed (SQL storage; memory storage expires by itself)."""
        return await self.storage.purge_expired() if isinstance(self.storage, SqlStorage) else 0


def client_of(request: Request | Any) -> str:
    """The caller's address as the ASGI server saw it (behind a proxy, uvicorn's
    ``--forwarded-allow-ips`` decides whether X-Forwarded-For is believed)."""
    client = getattr(request, "client", None)
    return client.host if client is not None and client.host else "unknown"
