"""argon2id password hashing, with a bound on how many hashes run at once in a process.

Each argon2id hash holds ``memory_cost`` for its duration (64 MiB with argon2-cffi's defaults,
RFC 9106's second recommended profile). The services hash in worker threads, so a burst of
registrations or logins ran one per thread (six on two cores) and took the portal from about
130 MiB to 520-580 MiB in the bench. Bounded to the machine's cores the burst takes as long (the
CPU was the limit anyway) and holds at most ``cores x memory_cost``.

A hash holds the CPU for ~100 ms, which on the event loop stalls every request and every
transaction of the process (a lock held across an await waits with it): the services call the
``*_off_loop`` forms only, which run in a worker thread of their own pool, as many threads as
slots. Its queue serves them in the order asked. In the event loop's default pool six threads
competed for the two slots, and a waiting hash was overtaken again and again: in the bench one
account activation waited 28 s behind a burst of 150 (and the hashes took every thread that
file writes and the like also need).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

from argon2 import PasswordHasher

_CORES = max(1, os.cpu_count() or 1)
_SLOTS = threading.BoundedSemaphore(_CORES)
# The off-loop hashes' own threads (started on first use); a synchronous caller elsewhere (a
# command line) still takes a slot, so the bound holds for both.
_POOL = ThreadPoolExecutor(max_workers=_CORES, thread_name_prefix="argon2")

T = TypeVar("T")


class BoundedHasher(PasswordHasher):
    """A :class:`argon2.PasswordHasher` whose hashes and verifications wait for a free slot."""

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with _SLOTS:
            return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with _SLOTS:
            return super().verify(hash, password)

    @staticmethod
    async def off_loop(work: Callable[..., T], *args: object) -> T:
        """``work(*args)``, which hashes or verifies through a BoundedHasher, in the hashes' pool."""
        return await asyncio.get_running_loop().run_in_executor(_POOL, work, *args)

    async def hash_off_loop(self, password: str) -> str:
        return await self.off_loop(self.hash, password)

    async def verify_off_loop(self, hash: str, password: str) -> bool:
        """:meth:`verify` in a worker thread (raises as it does on a mismatch or a bad hash)."""
        return await self.off_loop(self.verify, hash, password)
