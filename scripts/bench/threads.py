"""A service's CPU split between its main thread (the event loop) and its other threads (the
worker threads of ``asyncio.to_thread``: PDF rendering and signing, file writes, password
hashes), read per thread from ``/proc/<pid>/task``.

Why: py-spy counts a sample for every thread it does not find idle, and a worker thread blocked
in a system call that it does not know as idle (an ``fsync``), or waiting for the GIL, counts
as busy. Its share of the samples can be far above its share of the CPU (the portal's document
writes: 11-19 % of the samples, 0.2 ms of CPU per write measured alone). With the measured
split, the report turns each entry point's share into milliseconds within its own thread class:
a worker thread's entry is scaled by the worker threads' CPU, every other entry by the main
thread's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

WORKER_PREFIX = "worker threads"
MAIN, OTHER = "main thread", "other threads"


def thread_cpu(pid: int) -> dict[int, float] | None:
    """CPU seconds so far (user + system) of each thread of ``pid``, by thread id; None when the
    process is gone."""
    out: dict[int, float] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def split_per_application(pid: int, before: dict[int, float] | None, after: dict[int, float] | None,
                          completed: int) -> dict[str, float] | None:
    """Milliseconds of CPU per completed application of the main thread (its id is the
    process's) and of the other threads together. A thread started in between counts from zero;
    one that ended in between is left out (the executors' worker threads stay)."""
    if before is None or after is None or not completed:
        return None
    used = {tid: seconds - before.get(tid, 0.0) for tid, seconds in after.items()}
    main = used.pop(pid, 0.0)
    return {MAIN: round(main / completed * 1000, 1), OTHER: round(sum(used.values()) / completed * 1000, 1)}


def worker_share(entries: Mapping[str, int]) -> float:
    """The percentage of a profile's samples taken in worker threads (entry points so labelled)."""
    total = sum(entries.values())
    busy = sum(n for label, n in entries.items() if label.startswith(WORKER_PREFIX))
    return round(100 * busy / total, 2) if total else 0.0


def entry_ms(entry_points: list[tuple[str, float]], split: dict[str, float], share: float) -> list[tuple[str, float]]:
    """Each entry point's share of the samples (percent) as CPU ms per application, within its
    thread class: a worker-thread entry's share of the worker samples times the other threads'
    CPU, any other entry's share of the remaining samples times the main thread's."""
    out = []
    for label, pct in entry_points:
        if label.startswith(WORKER_PREFIX):
            ms = pct / share * split[OTHER] if share else 0.0
        else:
            ms = pct / (100 - share) * split[MAIN] if share < 100 else 0.0
        out.append((label, round(ms, 1)))
    return out
