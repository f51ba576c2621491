"""A small closed-loop load generator (aiohttp, the fastest client installed), bounded in time
and in requests, for 127.0.0.1 only. The same generator loads the floors and the chain, so
their ratio is fair even though the generator shares the two cores with the servers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import aiohttp

from scripts.simulator.run import percentile

# (method, url, headers, json body)
Request = tuple[str, str, dict[str, str] | None, Any]


@dataclass
class LoadResult:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float] = field(default_factory=list, repr=False)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 3),
            "rps": round(self.rps, 1),
            "p50_ms": _ms(percentile(self.latencies, 50)), "p95_ms": _ms(percentile(self.latencies, 95)),
            "p99_ms": _ms(percentile(self.latencies, 99)), "statuses": self.statuses,
        }


def _ms(x: float | None) -> float | None:
    return None if x is None else round(x * 1000, 2)


def _local_only(url: str) -> None:
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {url}")


async def closed_loop(name: str, make: Callable[[int], Request], *, concurrency: int, duration: float,
                      max_requests: int = 1_000_000, warmup: float = 1.0,
                      ok: tuple[int, ...] = (200, 201, 202)) -> LoadResult:
    """``concurrency`` workers send ``make(i)`` back to back for ``warmup`` (not counted) then
    ``duration`` seconds, or until ``max_requests`` were sent."""
    _local_only(make(0)[1])
    counter = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    measuring = False
    stop_at = 0.0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal counter, errors
        while True:
            now = time.perf_counter()
            if measuring and (now >= stop_at or counter >= max_requests):
                return
            i = counter
            counter += 1
            method, url, headers, body = make(i)
            start = time.perf_counter()
            try:
                async with session.request(method, url, headers=headers, json=body) as r:
                    await r.read()
                    status = r.status
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            if measuring:
                latencies.append(time.perf_counter() - start)
                statuses[status] += 1
                if status not in ok:
                    errors += 1

    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), timeout=timeout) as s:
        tasks = [asyncio.create_task(worker(s)) for _ in range(concurrency)]
        await asyncio.sleep(warmup)
        counter = 0
        measuring = True
        began = time.perf_counter()
        stop_at = began + duration
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - began
    return LoadResult(name, len(latencies), errors, seconds, latencies, dict(statuses))


async def burst(name: str, requests: Sequence[Request], *, concurrency: int,
                ok: tuple[int, ...] = (200, 201, 202)) -> LoadResult:
    """Each request once (e.g. one submission per prepared draft), ``concurrency`` at a time."""
    if requests:
        _local_only(requests[0][1])
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    queue = list(reversed(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while queue:
            method, url, headers, body = queue.pop()
            start = time.perf_counter()
            try:
                async with session.request(method, url, headers=headers, json=body) as r:
                    await r.read()
                    status = r.status
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            latencies.append(time.perf_counter() - start)
            statuses[status] += 1
            if status not in ok:
                errors += 1

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), timeout=timeout) as s:
        began = time.perf_counter()
        await asyncio.gather(*(worker(s) for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return LoadResult(name, len(latencies), errors, seconds, latencies, dict(statuses))
