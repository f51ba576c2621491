"""What the micro-benchmarks time with: the process's own CPU clock and a trimmed mean of blocks."""

from __future__ import annotations

import resource


def process_cpu_seconds() -> float:
    """User and system CPU of this process so far (a worker thread's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def trimmed_mean(values: list[float]) -> float:
    """The mean without the lowest and the highest value (when there are more than two): one
    block the machine slowed or sped up does not move it."""
    kept = sorted(values)[1:-1] if len(values) > 2 else values
    return sum(kept) / len(kept)
