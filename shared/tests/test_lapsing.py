"""Lapsing: entries lapse at their deadline, lapsed entries go as the dict grows (so it holds
about twice the live ones, however many keys it has seen), and max_entries stays a hard bound."""

from __future__ import annotations

import pytest

from shared.lapsing import Lapsing


def test_an_entry_is_there_until_its_deadline() -> None:
    entries: Lapsing[str, int | None] = Lapsing(10)
    entries.put("a", 1, until=5.0, now=0.0)
    entries.put("none", None, until=5.0, now=0.0)
    assert entries.get("a", 4.9) == 1 and entries.get("a", 5.0) is None
    assert entries.get("none", 1.0) is None and entries.get("missing", 1.0) is None
    entries.put("a", 2, until=9.0, now=5.0)  # put again: the new value and deadline
    assert entries.get("a", 8.0) == 2
    entries.pop("a")
    entries.pop("a")  # absent: nothing to do
    assert entries.get("a", 8.0) is None
    entries.clear()
    assert len(entries) == 0


def test_many_keys_over_time_keep_only_about_twice_the_live_ones() -> None:
    """An applicant's token or account is live for a while, then never asked for again: 10,000 of
    them, five live at any time, never fill the dict."""
    entries: Lapsing[int, str] = Lapsing(100_000, sweep_from=8)
    largest = 0
    for t in range(10_000):
        entries.put(t, "x", until=t + 5, now=t)
        largest = max(largest, len(entries))
    assert largest <= 2 * 5 + 1 + 8
    assert all(entries.get(t, 9_999.5) == "x" for t in range(9_995, 10_000))


def test_sweeps_cost_constant_time_per_insertion_amortised(monkeypatch: pytest.MonkeyPatch) -> None:
    entries: Lapsing[int, str] = Lapsing(1_000_000, sweep_from=8)
    sweeps = 0
    sweep = entries._sweep

    def counted(now: float) -> None:
        nonlocal sweeps
        sweeps += 1
        sweep(now)

    monkeypatch.setattr(entries, "_sweep", counted)
    for key in range(4096):  # all live: the dict doubles between sweeps
        entries.put(key, "x", until=1e9, now=0)
    assert len(entries) == 4096 and sweeps == 9  # at 8, 16, ..., 2048


def test_max_entries_is_a_hard_bound() -> None:
    entries: Lapsing[str, int] = Lapsing(2)
    entries.put("a", 1, until=30, now=0)
    entries.put("b", 2, until=50, now=20)
    entries.put("c", 3, until=70, now=40)  # full: "a" has lapsed and goes
    assert len(entries) == 2 and entries.get("a", 40) is None and entries.get("b", 40) == 2
    entries.put("b", 4, until=80, now=41)  # a key already there: no sweep
    assert len(entries) == 2 and entries.get("c", 41) == 3
    entries.put("d", 5, until=90, now=42)  # full of live entries: starts over
    assert len(entries) == 1 and entries.get("d", 42) == 5


def test_an_update_keeps_the_entrys_deadline() -> None:
    entries: Lapsing[str, int] = Lapsing(10)
    entries.put("a", 1, until=5.0, now=0.0)
    assert entries.update("a", 2, now=3.0) and entries.get("a", 4.9) == 2
    assert entries.get("a", 5.0) is None  # lapses when the put said, not later
    assert not entries.update("a", 3, now=5.0) and not entries.update("missing", 1, now=0.0)
    assert len(entries) == 1 and entries.get("missing", 0.0) is None
