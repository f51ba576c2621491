"""Entries that lapse at a deadline, for the per-process caches of verified tokens and accounts.

A lapsed entry is worth nothing, yet a dict keeps it until something removes it. The caches used
to remove lapsed entries only once full (10,000 tokens, 100,000 accounts), so a portal held an
entry in each for every applicant who had logged in since it started (about 1 KiB per applicant
with the token itself, tracemalloc, 2026-12-06: tens of MiB before the account cache filled).
:class:`Lapsing` drops its lapsed entries whenever it has doubled since the last time it did
(from ``sweep_from`` entries on): it holds at most about twice the entries still live, the
sweeps cost O(1) per insertion amortised, and ``max_entries`` stays the hard bound (full of live
entries, it starts over: a cache only costs fresh reads then).
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

SWEEP_FROM = 1024


class Lapsing(Generic[K, V]):
    """``key -> value`` until a deadline, in whatever clock the caller passes as ``now``."""

    def __init__(self, max_entries: int, *, sweep_from: int = SWEEP_FROM) -> None:
        self.max_entries = max_entries
        self._sweep_from = sweep_from
        self._sweep_at = min(max_entries, sweep_from)
        self._entries: dict[K, tuple[float, V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K, now: float) -> V | None:
        """The value, or None when absent or lapsed (``until <= now``)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, key: K, value: V, *, until: float, now: float) -> None:
        if key not in self._entries and len(self._entries) >= self._sweep_at:
            self._sweep(now)
        self._entries[key] = (until, value)

    def update(self, key: K, value: V, now: float) -> bool:
        """Replace the value of a live entry, keeping its deadline; False (nothing stored) when
        the entry is absent or lapsed."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= now:
            return False
        self._entries[key] = (entry[0], value)
        return True

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def _sweep(self, now: float) -> None:
        live = {k: entry for k, entry in self._entries.items() if entry[0] > now}
        if len(live) >= self.max_entries:
            live = {}
        self._entries = live
        self._sweep_at = min(self.max_entries, max(self._sweep_from, 2 * len(live)))
