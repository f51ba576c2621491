"""The cyclic garbage collector tuned for a long-running service, once it has started.

Measured in the benchmark's chain (``gc.callbacks`` timing every collection, 2026-12-05): with
CPython's defaults the collector took 4 to 10 % of each service's CPU, 4.9 % over the chain.

- Full collections were most of it. A service imports its libraries and builds its app once:
  some 130,000 to 145,000 objects that live as long as the process. A full collection walks every
  tracked object, and under load it ran about once per ten gen-1 collections, 55 to 80 ms each.
  ``gc.freeze()`` moves the objects alive after start-up into a permanent generation that no
  collection walks; objects made later are collected as before. ``gc.collect()`` first, so that
  start-up's own cyclic garbage is freed rather than kept for good.
- Young collections came every 700 net allocations of container objects: thousands per minute,
  each promoting the objects of the requests still in flight, which then filled the older
  generations and brought the full collections on. At :data:`YOUNG_THRESHOLD` most of a
  request's objects are freed (by reference counting) before a collection sees them.

Both together: 4.9 % -> 2.1 % of the services' CPU over a whole run, most of the rest being the
collections while a service starts.
What waits for a collection is cyclic garbage only, at most some thousands more objects.
Every service's /metrics shows the collector's CPU time (:class:`GcTimeCollector`), and
``make bench`` its share of each service's CPU.
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
    """The CPU seconds the collector has spent in this process and its collections, by generation
    (a ``gc.callbacks`` entry: the collecting thread's CPU time between start and stop)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.collections = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        # A collection holds the GIL and never nests, so start and stop pair up in one thread.
        if phase == "start":
            self._started = time.thread_time()
            return
        generation = info["generation"]
        self.seconds[generation] += time.thread_time() - self._started
        self.collections[generation] += 1


_CLOCK: GcClock | None = None


def gc_clock() -> GcClock:
    """This process's clock, installed on first use (one per process, however many apps)."""
    global _CLOCK
    if _CLOCK is None:
        _CLOCK = GcClock()
        gc.callbacks.append(_CLOCK)
    return _CLOCK


class GcTimeCollector(Collector):
    """``python_gc_cpu_seconds_total`` and ``python_gc_collections_total`` (by generation) for a
    service's /metrics: the benchmark reads them to show the collector's share of each service's
    CPU (scripts/bench/work.py)."""

    def __init__(self) -> None:
        self.clock = gc_clock()

    def collect(self) -> Iterable[Metric]:
        seconds = CounterMetricFamily("python_gc_cpu_seconds", "CPU seconds spent in garbage collection",
                                      labels=["generation"])
        runs = CounterMetricFamily("python_gc_collections", "Garbage collections run",
                                   labels=["generation"])
        for generation in range(3):
            seconds.add_metric([str(generation)], self.clock.seconds[generation])
            runs.add_metric([str(generation)], self.clock.collections[generation])
        return [seconds, runs]
