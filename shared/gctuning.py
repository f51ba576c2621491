"""The cyclic garbage collector tuned for a long-running service, once it has started.

Measured in the benchmark's chain (2026-12-05, the collector's CPU time on each service's
/metrics, :class:`GcTimeCollector`): under load, with CPython's defaults, the collector took 5.5 %
of the portal's CPU and 2 to 5 % of SIKI's and the LSPs', 30 to 34 ms per application over the
chain.

- Full collections were most of it. A service imports its libraries and builds its app once:
  some 130,000 to 145,000 objects that live as long as the process. A full collection walks every
  tracked object, 55 to 80 ms each here, and each was a pause of the event loop.
  ``gc.freeze()`` moves the objects alive after start-up into a permanent generation that no
  collection walks; objects made later are collected as before. ``gc.collect()`` first, so that
  start-up's own cyclic garbage is freed rather than kept for good.
- Young collections came every 700 net allocations of container objects: thousands per minute,
  each promoting the objects of the requests still in flight, which then filled the older
  generations and brought the full collections on. At :data:`YOUNG_THRESHOLD` most of a
  request's objects are freed (by reference counting) before a collection sees them.

Both together: 7 to 8 ms per application, about 1 % of each service's CPU; the portal's reads
under load lost their 50-80 ms pauses (p99 123 -> 41 ms). What waits longer for a collection is
cyclic garbage only, some thousands of objects at most (a soak's RSS grew no more for it).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable

from prometheus_client.metrics_core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

YOUNG_THRESHOLD = 7000  # CPython's default is 700 (3.11)


def tune_collector() -> int:
    """Collect, freeze everything still alive and raise the young generation's threshold; returns
    how many objects are frozen."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    return gc.get_freeze_count()


class GcClock:
    """The CPU seconds the collector has spent in this process, by generation (a ``gc.callbacks``
    entry: the collecting thread's CPU time between start and stop)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        # A collection holds the GIL and never nests, so start and stop pair up in one thread.
        if phase == "start":
            self._started = time.thread_time()
            return
        self.seconds[info["generation"]] += time.thread_time() - self._started


_CLOCK: GcClock | None = None


def gc_clock() -> GcClock:
    """This process's clock, installed on first use (one per process, however many apps)."""
    global _CLOCK
    if _CLOCK is None:
        _CLOCK = GcClock()
        gc.callbacks.append(_CLOCK)
    return _CLOCK


class GcTimeCollector(Collector):
    """``python_gc_cpu_seconds_total`` (by generation) for a service's /metrics, beside
    prometheus_client's own ``GCCollector`` (collections and objects collected, which it reads
    from ``gc.get_stats()`` but not the time): the benchmark reads it to show the collector's share
    of each service's CPU (scripts/bench/work.py)."""

    def __init__(self) -> None:
        self.clock = gc_clock()

    def collect(self) -> Iterable[Metric]:
        # The process's figures: where one process serves several apps (make run), each shows them all.
        seconds = CounterMetricFamily("python_gc_cpu_seconds", "CPU seconds this process spent in garbage collection",
                                      labels=["generation"])
        for generation in range(3):
            seconds.add_metric([str(generation)], self.clock.seconds[generation])
        return [seconds]
