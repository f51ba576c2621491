"""The LSPs' api keys as last read, kept per process only while PostgreSQL tells it of every
change to the registry.

Every call of an LSP names its api key; reading the registry for it was a round trip per call
(about 5 % of SIKI's CPU per application, 2026-12-07). A key, once found, is kept here, but only
while this process listens on :data:`CHANNEL`: a trigger on ``lsps`` (migration 0020) notifies
it at the commit of any change to the table, by this process, a replica or an operator's SQL,
and every kept key is then forgotten. A rotated key, or a deactivated LSP's, so stops working as
soon as the change is committed and its notification arrives (milliseconds), as when every call
read the registry. Without the listening connection (SQLite, the trigger missing, the
connection lost and not yet back) nothing is kept: every call reads the registry.

What is kept is only ever a key that was found: an unknown key is read every time, so a key
registered a moment ago in another process is never refused.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.logging import get_logger

log = get_logger(__name__)

CHANNEL = "siki_lsps_changed"
TRIGGER = "lsps_changed"
APPLICATION_NAME = "siki-lsp-registry-listener"
# A connection that went silent without closing (a network partition) would miss notifications:
# the listener asks the server every so often, and stops trusting the cache when it does not answer.
PING_SECONDS = 10.0
PING_TIMEOUT_SECONDS = 5.0


class KnownKeys:
    """Api key digests -> LSP code, trusted only while a listener says so."""

    def __init__(self, max_entries: int = 1000) -> None:
        self._codes: dict[str, str] = {}
        self._max = max_entries
        self._trusted = False
        # Counts forgets: a read that a change overtook may predate the change, so it answers its
        # own call but is not kept.
        self.generation = 0

    @property
    def trusted(self) -> bool:
        return self._trusted

    def code_of(self, digest: str) -> str | None:
        return self._codes.get(digest) if self._trusted else None

    def keep(self, digest: str, code: str, generation: int) -> None:
        """Keep what a read that began at ``generation`` found, unless a change came since."""
        if self._trusted and generation == self.generation and len(self._codes) < self._max:
            self._codes[digest] = code

    def forget_all(self) -> None:
        self.generation += 1
        self._codes.clear()

    def trust(self, listening: bool) -> None:
        """Whether changes are heard from now on; either way, what was kept is forgotten (a change
        may have gone unheard before)."""
        self.forget_all()
        self._trusted = listening


async def _trigger_present(driver: Any) -> bool:
    return bool(await driver.fetchval("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = $1)", TRIGGER))


async def listen(engine: AsyncEngine, keys: KnownKeys, *, retry_seconds: float = 1.0) -> None:
    """Hear the registry's changes on a connection of the engine's pool kept for it (never given
    back: it is invalidated when done), trusting ``keys`` only while it listens; reconnects after
    ``retry_seconds`` when the connection is lost. Runs until cancelled (PostgreSQL only)."""
    while True:
        try:
            await _listen_once(engine, keys)
        except asyncio.CancelledError:
            keys.trust(False)
            raise
        except Exception as exc:  # the database unreachable, a failed LISTEN: read every call meanwhile
            keys.trust(False)
            log.warning("not listening for LSP registry changes; every call reads the registry", error=str(exc))
        await asyncio.sleep(retry_seconds)


async def _listen_once(engine: AsyncEngine, keys: KnownKeys) -> None:
    async with engine.connect() as conn:
        driver: Any = (await conn.get_raw_connection()).driver_connection  # asyncpg's connection
        try:
            if not await _trigger_present(driver):
                log.warning("the lsps table has no change trigger (migration 0020): api keys are read every call")
                await asyncio.sleep(60)  # look again later: a migration may add it
                return
            # Named, so that an operator sees in pg_stat_activity what this idle connection is.
            await driver.execute(f"SET application_name = '{APPLICATION_NAME}'")
            lost = asyncio.Event()
            driver.add_termination_listener(lambda _: lost.set())
            await driver.add_listener(CHANNEL, lambda *_: keys.forget_all())
            keys.trust(True)
            try:
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), PING_SECONDS)
                    if not lost.is_set():
                        await asyncio.wait_for(driver.fetchval("SELECT 1"), PING_TIMEOUT_SECONDS)
            finally:
                keys.trust(False)
        finally:
            await conn.invalidate()  # listening, or lost: never back into the pool
