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

import functools
import hashlib
import hmac
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.aio.storage import Storage
    from limits.aio.strategies import FixedWindowRateLimiter
    from starlette.requests import Request

    from shared.runtime import ServiceRuntime

# `limits` (with deprecated, wrapt and packaging: 1 MiB of idle RSS, issue 17) is imported when a
# throttle is first used, not at start-up. A rule's tiers are still checked when it is made, by
# `limits`' own grammar (limits.util.EXPR, with its granularities, plural or not): a typo in a
# rule or a setting fails at start-up as before (tests/test_lazy_imports.py compares the two).
_TIER = r"\s*([0-9]+)\s*(/|\s*per\s*)\s*([0-9]+)?\s*(?:second|minute|hour|day|month|year)s?\s*"
_TIERS = re.compile(rf"^{_TIER}(?::?[,;|]{_TIER})*$", re.IGNORECASE)  # ":?" as limits has it


def check_limits(limits: str) -> None:
    """ValueError unless ``limits`` is one or more `limits` tiers ("5/minute;20/hour")."""
    if not (isinstance(limits, str) and _TIERS.match(limits)):
        raise ValueError(f"couldn't parse rate limit string '{limits}'")

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

    def __post_init__(self) -> None:
        check_limits(self.limits)

    @functools.cached_property
    def items(self) -> tuple[RateLimitItem, ...]:
        from limits import parse_many

        return tuple(parse_many(self.limits))


class Throttle:
    def __init__(self, storage: Storage | None = None, *, secret: bytes = b"",
                 engine: AsyncEngine | None = None) -> None:
        """On ``storage``, or (when first used) on ``engine``'s database: see for_engine."""
        if storage is None and engine is None:
            raise TypeError("a Throttle needs a storage or an engine")
        self._storage = storage
        self._engine = engine
        self._secret = secret or b"skk-throttle"

    @classmethod
    def for_engine(cls, engine: AsyncEngine, *, secret: bytes = b"") -> Throttle:
        return cls(secret=secret, engine=engine)

    @property
    def storage(self) -> Storage:
        if self._storage is None and self._engine is not None:
            # As the database: in memory for SQLite (one process), the shared table on PostgreSQL.
            from limits.aio.storage import MemoryStorage

            from shared.throttle_storage import SqlStorage

            self._storage = SqlStorage(self._engine) if self._engine.dialect.name == "postgresql" else MemoryStorage()
        assert self._storage is not None  # __init__ had one or the other
        return self._storage

    @functools.cached_property
    def limiter(self) -> FixedWindowRateLimiter:
        from limits.aio.strategies import FixedWindowRateLimiter

        return FixedWindowRateLimiter(self.storage)

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
        if self._storage is None and (self._engine is None or self._engine.dialect.name != "postgresql"):
            return 0  # memory storage (or none built yet): nothing to purge, no need for `limits`
        from shared.throttle_storage import SqlStorage

        return await self.storage.purge_expired() if isinstance(self.storage, SqlStorage) else 0


def client_of(request: Request | Any) -> str:
    """The caller's address as the ASGI server saw it (behind a proxy, uvicorn's
    ``--forwarded-allow-ips`` decides whether X-Forwarded-For is believed)."""
    client = getattr(request, "client", None)
    return client.host if client is not None and client.host else "unknown"
