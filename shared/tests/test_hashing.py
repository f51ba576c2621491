"""Password hashes run at most one per core at once (shared/hashing.py): each argon2id hash holds
64 MiB, and a burst of logins used to hash in every worker thread at once."""

from __future__ import annotations

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
