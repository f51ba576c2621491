"""Password hashes run at most one per core at once (shared/hashing.py): each argon2id hash holds
64 MiB, and a burst of logins used to hash in every worker thread at once."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from shared.hashing import BoundedHasher


def test_hashes_wait_for_a_free_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def slow(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return f"hash-of-{password!r}"

    monkeypatch.setattr(PasswordHasher, "hash", slow)
    hasher = BoundedHasher()
    with ThreadPoolExecutor(max_workers=12) as pool:
        hashes = list(pool.map(hasher.hash, [f"pw{i}" for i in range(24)]))
    assert hashes == [f"hash-of-'pw{i}'" for i in range(24)]
    assert 1 <= most <= max(1, os.cpu_count() or 1)


def test_a_bounded_hasher_is_an_argon2_hasher() -> None:
    hasher = BoundedHasher(memory_cost=1024, time_cost=1, parallelism=1)
    digest = hasher.hash("rahasia-123")
    assert digest.startswith("$argon2id$") and hasher.verify(digest, "rahasia-123")
    assert PasswordHasher().verify(digest, "rahasia-123")


async def test_the_off_loop_forms_hash_in_a_worker_thread_while_the_loop_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []

    def slow(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        threads.append(threading.get_ident())
        time.sleep(0.2)
        return "hashed"

    monkeypatch.setattr(PasswordHasher, "hash", slow)
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, digest, password: (slow(self, password), True)[1])
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    hasher = BoundedHasher()
    assert await hasher.hash_off_loop("rahasia-123") == "hashed"
    assert await hasher.verify_off_loop("hashed", "rahasia-123") is True
    task.cancel()
    assert threading.get_ident() not in threads and len(threads) == 2
    assert ticks >= 20  # the loop ran through both 0.2 s hashes



async def test_off_loop_hashes_are_served_in_the_order_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of activations and logins: each hash starts in its turn (at most one slot's worth
    of overtaking). Worker threads competing for the slots let a waiting hash be overtaken again
    and again: in the bench one account activation waited 28 s behind 150 others."""
    started: list[int] = []
    lock = threading.Lock()

    def work(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        with lock:
            started.append(int(str(password)))
        time.sleep(0.01)
        return "hashed"

    monkeypatch.setattr(PasswordHasher, "hash", work)
    hasher = BoundedHasher()
    slots = max(1, os.cpu_count() or 1)
    calls = []
    for i in range(60):
        calls.append(asyncio.ensure_future(hasher.hash_off_loop(str(i))))
        await asyncio.sleep(0)  # asked one after another
    await asyncio.gather(*calls)
    assert sorted(started) == list(range(60))
    overtaken = max(position - turn for position, turn in enumerate(started))
    assert overtaken < slots, started
