"""Run N synthetic applicants through a chain with bounded concurrency, print progress, and
summarise by final state."""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

import httpx

from scripts.simulator.api import Metrics, Portal
from scripts.simulator.chains import RunningChain
from scripts.simulator.journeys import (
    AssessmentDays,
    Chain,
    JourneyResult,
    Plan,
    fill_application,
    onboard,
    run_journey,
)
from scripts.simulator.people import Person, make_people
from shared.reference import get_reference

T = TypeVar("T")

# Scenario -> weight. "cancelled" is left out of the default mix on purpose: the deadline sweep
# cancels every overdue invoice of an LSP at once, so it would cancel the other applicants
# waiting to pay too (the whole-chain tests cover it on its own).
DEFAULT_MIX: dict[str, float] = {
    "happy": 0.6, "returned": 0.1, "payment_rejected": 0.1, "appeal_upheld": 0.1, "appeal_rejected": 0.1,
}
SCENARIOS = ("happy", "returned", "payment_rejected", "appeal_upheld", "appeal_rejected", "cancelled")


def parse_mix(text: str) -> dict[str, float]:
    """``happy=6,returned=1`` or ``happy`` (only that one)."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name not in SCENARIOS:
            raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}")
        mix[name] = float(weight or 1)
    return mix


def eligible_jabatan_kerja(lsp_code: str) -> list[str]:
    """Jabatan kerja the LSP is licensed for, up to jenjang 7 (the simulated applicants are S1
    graduates with about six years of experience: enough for every scheme up to Ahli Muda)."""
    ref = get_reference()
    return sorted(c for c in ref.lsps[lsp_code]["jabatan_kerja_codes"]
                  if c in ref.jabatan_kerja and max(ref.jabatan_kerja[c]["jenjang"]) <= 7)


def make_plan(rng: random.Random, scenario: str, lsp_codes: Sequence[str]) -> Plan:
    lsp = rng.choice(list(lsp_codes))
    jk = rng.choice(eligible_jabatan_kerja(lsp))
    asosiasi = rng.choice(sorted(get_reference().asosiasi))
    kw: dict[str, Any] = {}
    if scenario == "returned":
        kw["return_first"] = True
    elif scenario == "payment_rejected":
        kw["reject_payment_first"] = True
    elif scenario == "appeal_upheld":
        kw.update(first_recommendation="BK", appeal="upheld")
    elif scenario == "appeal_rejected":
        kw.update(first_recommendation="BK", appeal="rejected")
    elif scenario == "cancelled":
        kw["pay"] = False
    return Plan(lsp_code=lsp, jabatan_kerja_code=jk, asosiasi_code=asosiasi, **kw)


def make_plans(n: int, rng: random.Random, mix: dict[str, float], lsp_codes: Sequence[str]) -> list[Plan]:
    names = list(mix)
    weights = [mix[k] for k in names]
    # Deterministic proportions (not a lottery), so that a run of 200 shows every scenario.
    counts = {k: int(n * w / sum(weights)) for k, w in zip(names, weights, strict=True)}
    for k in sorted(names, key=lambda k: -mix[k]):
        if sum(counts.values()) >= n:
            break
        counts[k] += 1
    scenarios = [k for k in names for _ in range(counts[k])][:n]
    rng.shuffle(scenarios)
    return [make_plan(rng, s, lsp_codes) for s in scenarios]


async def bounded(items: Sequence[T], concurrency: int, work: Callable[[int, T], Awaitable[Any]]) -> list[Any]:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int, item: T) -> Any:
        async with sem:
            return await work(i, item)

    return list(await asyncio.gather(*(one(i, it) for i, it in enumerate(items))))


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class SimulationReport:
    results: list[JourneyResult]
    seconds: float
    metrics: Metrics
    log_problems: list[Any] = field(default_factory=list)

    @property
    def by_final_state(self) -> Counter[str]:
        return Counter(r.final_status or "unknown" for r in self.results)

    @property
    def failures(self) -> list[JourneyResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.log_problems

    def issue_latencies(self) -> list[float]:
        return [x for r in self.results if (x := r.issue_latency) is not None]

    def summary(self) -> dict[str, Any]:
        lat = self.issue_latencies()
        completed = sum(1 for r in self.results if r.final_status == "completed")
        return {
            "applicants": len(self.results),
            "seconds": round(self.seconds, 2),
            "final_states": dict(self.by_final_state),
            "scenarios": dict(Counter(r.plan.scenario for r in self.results)),
            "as_expected": sum(1 for r in self.results if r.ok),
            "failures": [{"email": r.person.email, "application_id": r.application_id, "scenario": r.plan.scenario,
                          "expected": r.plan.expected_final, "final": r.final_status, "error": r.error}
                         for r in self.failures][:50],
            "completed_per_second": round(completed / self.seconds, 3) if self.seconds else None,
            "submit_to_certificate_seconds": {
                "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
                "mean": statistics.fmean(lat) if lat else None, "n": len(lat),
            },
            "http_requests": self.metrics.requests(),
            "http_errors": dict(self.metrics.errors),
            "log_problems": len(self.log_problems),
        }


def print_summary(report: SimulationReport, out: TextIO = sys.stdout) -> None:
    s = report.summary()
    print(f"\n{s['applicants']} applicants in {s['seconds']} s; {s['as_expected']} ended as expected", file=out)
    print("final state            count", file=out)
    for state, count in sorted(s["final_states"].items(), key=lambda kv: -kv[1]):
        print(f"  {state:<20} {count:>5}", file=out)
    print("scenario               count", file=out)
    for name, count in sorted(s["scenarios"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<20} {count:>5}", file=out)
    lat = s["submit_to_certificate_seconds"]
    if lat["n"]:
        print(f"submission -> certificate issued: p50 {lat['p50']:.2f} s, p95 {lat['p95']:.2f} s, "
              f"p99 {lat['p99']:.2f} s (n={lat['n']})", file=out)
    print(f"completed per second: {s['completed_per_second']}; HTTP requests: {s['http_requests']}", file=out)
    for f in s["failures"][:20]:
        print(f"  FAILED {f['scenario']} {f['email']} app={f['application_id']} expected {f['expected']}, "
              f"got {f['final']}: {f['error']}", file=out)
    if report.log_problems:
        print(f"{len(report.log_problems)} error lines in the services' logs:", file=out)
        for p in report.log_problems[:20]:
            print(f"  {p.file}:{p.line_no}: {p.text}", file=out)
    else:
        print("no error lines in the services' logs", file=out)


class Progress:
    def __init__(self, total: int, out: TextIO | None, every: float = 2.0) -> None:
        self.total = total
        self.out = out
        self.every = every
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def record(self, r: JourneyResult) -> None:
        self.done += 1
        if not r.ok:
            self.failed += 1
            if self.out is not None:
                print(f"  ! {r.plan.scenario} {r.person.email}: {r.error or r.final_status}", file=self.out)

    def line(self) -> str:
        el = time.monotonic() - self.started
        rate = self.done / el if el else 0.0
        return f"[{el:6.1f}s] {self.done}/{self.total} done, {self.failed} failed, {rate:.2f}/s"

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            if self.out is not None:
                print(self.line(), file=self.out, flush=True)

    def __enter__(self) -> Progress:
        if self.out is not None:
            self._task = asyncio.create_task(self._loop())
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.out is not None:
            print(self.line(), file=self.out, flush=True)


def chain_clients(running: RunningChain, http: httpx.AsyncClient, *, step_timeout: float,
                  seed: int | None = None, poll_max_delay: float = 0.5) -> Chain:
    return Chain(http=http, portal_url=running.urls["portal"], siki_url=running.urls["siki"],
                 lpjk_url=running.urls["lpjk"], lsp_urls=running.lsp_urls, mailbox=running.mailbox,
                 step_timeout=step_timeout, days=AssessmentDays(seed), poll_max_delay=poll_max_delay)


def new_http(concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max(20, concurrency * 2), max_keepalive_connections=max(20, concurrency * 2))
    return httpx.AsyncClient(timeout=httpx.Timeout(60.0), limits=limits)


async def simulate(running: RunningChain, n: int, *, concurrency: int = 20, seed: int | None = None,
                   mix: dict[str, float] | None = None, step_timeout: float = 120.0,
                   out: TextIO | None = sys.stdout, tag: str | None = None,
                   people: list[Person] | None = None) -> SimulationReport:
    """Create ``n`` applicants and drive each to its final state."""
    seed = seed if seed is not None else random.randrange(1 << 30)  # noqa: S311
    tag = tag or uuid.uuid4().hex[:6]
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    people = people or make_people(n, seed=seed, tag=tag)
    plans = make_plans(n, rng, mix or DEFAULT_MIX, sorted(running.lsp_urls))
    async with new_http(concurrency) as http:
        chain = chain_clients(running, http, step_timeout=step_timeout, seed=seed)
        await chain.login_staff()
        if out is not None:
            print(f"simulating {n} applicants (seed {seed}, concurrency {concurrency}) against the "
                  f"{running.mode} chain at {running.urls['portal']}", file=out, flush=True)
        start = time.monotonic()
        with Progress(n, out) as progress:
            async def work(i: int, person: Person) -> JourneyResult:
                # Alternate the first assessor so that both carry the load.
                r = await run_journey(chain, person, plans[i], first_assessor=("asesor1", "asesor2")[i % 2])
                progress.record(r)
                return r

            results = await bounded(people, concurrency, work)
        return SimulationReport(results=results, seconds=time.monotonic() - start, metrics=chain.metrics)


async def prepare_applicants(chain: Chain, people: list[Person], plans: list[Plan], concurrency: int,
                             out: TextIO | None = None) -> list[tuple[Portal, str]]:
    """Register, activate, log in and fill a draft for each (the benchmark's untimed part)."""
    done = 0

    async def one(i: int, person: Person) -> tuple[Portal, str]:
        nonlocal done
        portal = await onboard(chain, person)
        app_id = await fill_application(portal, person, plans[i])
        done += 1
        if out is not None and done % 25 == 0:
            print(f"  prepared {done}/{len(people)}", file=out, flush=True)
        return portal, app_id

    return await bounded(people, concurrency, one)
