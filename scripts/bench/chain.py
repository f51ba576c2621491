"""The chain's part of the benchmark: every service its own process, RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

from scripts.bench.database import stand_in_for_autovacuum
from scripts.bench.load import burst, closed_loop
from scripts.bench.profile import Profiler
from scripts.bench.report import LOAD_GENERATOR
from scripts.bench.threads import split_per_application, thread_cpu
from scripts.bench.work import chain_round_trips, read_counts, work_per_application
from scripts.simulator.api import Metrics, Portal
from scripts.simulator.chains import processes_chain
from scripts.simulator.journeys import (
    Chain,
    JourneyResult,
    Plan,
    fill_application,
    onboard,
    run_journey,
    timeline_stamps,
)
from scripts.simulator.logscan import log_offsets, scan_logs
from scripts.simulator.people import Person, make_people
from scripts.simulator.run import bounded, chain_clients, make_plan, make_plans, new_http, percentile

# The portal and SIKI carry every submission synchronously, so they get the larger pools; with
# a quarter more (at least 2, shared/database.py) the six processes stay within PostgreSQL's
# default max_connections (100): 2 x (12 + 3) + 4 x (6 + 2) = 62.
SERVICE_ENV = {"portal": {"SKK_DATABASE_POOL_SIZE": "12"}, "siki": {"SKK_DATABASE_POOL_SIZE": "12"}}
COMMON_ENV = {"SKK_DATABASE_POOL_SIZE": "6"}
# The simulated clients' polling (first wait, longest wait) while the half-rate latency is measured.
HALF_RATE_POLL_S = (0.01, 0.05)
# Whole journeys run before anything is measured, per process of a service. A service imports
# what only a step of the journey needs on first use (PDF, signatures, holidays, the HTTP client:
# start-up and idle RSS stay small), and that first use cost the LSPs 7-10 % of their CPU in a
# 30-application run (py-spy, 2026-12-04). A service runs for days: the figures are its steady state.
WARMUP_APPLICANTS = 6


def read_rss(pid: int) -> dict[str, float | None]:
    """VmRSS and VmHWM (peak) in MiB, from /proc (psutil is not installed); the RSS split into
    the process's own anonymous pages (``RssAnon``: its heap, its objects) and the pages of files
    it maps (``RssFile``: the interpreter and the libraries' code, shared with every process that
    maps them and with the page cache, so the same code reads higher or lower with what the cache
    holds); and the PSS, the RSS with each page shared with other processes counted as its share
    (``smaps_rollup``): the services map the same libraries, whose pages RSS counts in full in
    every one of them."""
    out: dict[str, float | None] = {"rss_mib": None, "peak_rss_mib": None, "anon_mib": None, "file_mib": None,
                                    "pss_mib": None}
    fields = {"VmRSS": "rss_mib", "VmHWM": "peak_rss_mib", "RssAnon": "anon_mib", "RssFile": "file_mib"}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                name, _, value = line.partition(":")
                if (key := fields.get(name)) is not None:
                    out[key] = round(int(value.split()[0]) / 1024, 1)
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    out["pss_mib"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (from /proc/<pid>/stat)."""
    times = _stat_times(pid)
    return None if times is None else times[0]


def _stat_times(pid: int) -> tuple[float, float] | None:
    """(own, reaped): a process's user + system CPU seconds so far, and those of its children that
    have exited and been waited for (``cutime`` + ``cstime`` of /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick
    except (OSError, ValueError, IndexError):
        return None


# The servers the chain runs on, by the names of their processes: their CPU is spent on the same
# cores for the chain's round trips and messages, but it is not the services' (the goal's sum).
INFRASTRUCTURE = {"PostgreSQL": frozenset({"postgres"}), "RabbitMQ": frozenset({"beam.smp"})}


def infrastructure_cpu() -> dict[str, float]:
    """CPU seconds so far of the machine's PostgreSQL and of its RabbitMQ: each server's live
    processes' own, plus what they have reaped of their exited children. A PostgreSQL backend
    that exits (a pool recycling its connection, a one-off connection) moves its whole CPU into
    the postmaster's reaped count, so the difference between two readings is the server's CPU
    between them, backends that came or went included."""
    out = dict.fromkeys(INFRASTRUCTURE, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/comm", encoding="utf-8", errors="replace") as f:
                comm = f.read().strip()
        except OSError:
            continue
        for name, comms in INFRASTRUCTURE.items():
            if comm in comms and (times := _stat_times(int(entry.name))) is not None:
                out[name] += times[0] + times[1]
    return out


def _infrastructure_per_application(before: dict[str, float], after: dict[str, float],
                                    completed: int) -> dict[str, float | None]:
    """Each server's CPU ms per completed application between the readings; None when nothing
    completed, or when the server's count went down (it was restarted meanwhile)."""
    out: dict[str, float | None] = {}
    for name, end in after.items():
        used = end - before.get(name, 0.0)
        out[name] = round(used / completed * 1000, 1) if completed and used >= 0 else None
    return out


def _cpu_per_application(before: dict[str, float | None], after: dict[str, float | None],
                         completed: int) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name, b in before.items():
        a = after.get(name)
        out[name] = round((a - b) / completed * 1000, 1) if a is not None and b is not None and completed else None
    return out


def _latency(results: list[JourneyResult]) -> dict[str, Any]:
    lat = [x for r in results if (x := r.issue_latency) is not None]
    return {"n": len(lat), "p50_s": _r(percentile(lat, 50)), "p95_s": _r(percentile(lat, 95)),
            "p99_s": _r(percentile(lat, 99)), "mean_s": _r(statistics.fmean(lat) if lat else None)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _client_latency(metrics: Metrics, op: str) -> dict[str, Any]:
    v = metrics.latencies.get(op, [])
    return {"n": len(v), "p50_ms": _ms(percentile(v, 50)), "p95_ms": _ms(percentile(v, 95)),
            "p99_ms": _ms(percentile(v, 99))}


def _ms(x: float | None) -> float | None:
    return None if x is None else round(x * 1000, 2)


async def _prepare(chain: Chain, people: list[Person], plans: list[Plan], concurrency: int, out: TextIO,
                   *, fill: bool) -> list[tuple[Portal, str | None]]:
    """Registered, activated and logged-in applicants (and, with ``fill``, a filled draft)."""
    done = 0

    async def one(i: int, person: Person) -> tuple[Portal, str | None]:
        nonlocal done
        portal = await onboard(chain, person)
        app_id = await fill_application(portal, person, plans[i]) if fill else None
        done += 1
        if done % 20 == 0 or done == len(people):
            print(f"  prepared {done}/{len(people)}", file=out, flush=True)
        return portal, app_id

    return await bounded(people, concurrency, one)


def _rebind(prepared: list[tuple[Portal, str | None]], chain: Chain, metrics: Metrics) -> None:
    """Count what follows in ``metrics`` (the preparation is not part of the figures)."""
    chain.metrics = metrics
    for portal, _ in prepared:
        portal.metrics = metrics
    for staff in chain.staff.values():
        staff.metrics = metrics


async def warm_up(chain: Chain, *, applicants: int, seed: int, lsps: list[str], concurrency: int,
                  out: TextIO) -> dict[str, int]:
    """``applicants`` whole journeys (both LSPs, both first assessors), outside every figure."""
    if applicants <= 0:
        return {"applicants": 0, "completed": 0}
    print(f"warm-up: {applicants} journeys through the chain (not measured)", file=out, flush=True)
    people = make_people(applicants, seed=seed + 7919, tag="w" + uuid.uuid4().hex[:6])
    rng = random.Random(seed + 7919)  # noqa: S311 - synthetic data
    plans = [make_plan(rng, "happy", [lsps[i % len(lsps)]]) for i in range(applicants)]  # every LSP, whatever the draw
    prepared = await _prepare(chain, people, plans, concurrency, out, fill=False)
    results, _ = await _journeys(chain, people, plans, prepared, min(concurrency, applicants))
    return {"applicants": applicants, "completed": sum(1 for r in results if r.final_status == "completed")}


async def _journeys(chain: Chain, people: list[Person], plans: list[Plan], prepared: list[tuple[Portal, str | None]],
                    concurrency: int) -> tuple[list[JourneyResult], float]:
    start = time.monotonic()

    async def one(i: int, person: Person) -> JourneyResult:
        portal, app_id = prepared[i]
        return await run_journey(chain, person, plans[i], portal=portal, app_id=app_id,
                                 first_assessor=("asesor1", "asesor2")[i % 2])

    results = await bounded(people, concurrency, one)
    return results, time.monotonic() - start


async def _open_loop(chain: Chain, people: list[Person], plans: list[Plan], prepared: list[tuple[Portal, str | None]],
                     rate: float) -> tuple[list[JourneyResult], float]:
    """Start one journey every 1/rate seconds (open loop), however long the others take."""
    start = time.monotonic()
    tasks = []
    for i, person in enumerate(people):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        portal, app_id = prepared[i]
        tasks.append(asyncio.create_task(run_journey(chain, person, plans[i], portal=portal, app_id=app_id,
                                                     first_assessor=("asesor1", "asesor2")[i % 2])))
    results = list(await asyncio.gather(*tasks))
    return results, time.monotonic() - start


def _stages(results: list[JourneyResult]) -> list[dict[str, Any]]:
    """Median and largest seconds between consecutive timeline entries, by transition, in journey
    order: which hops (the chain's, or the simulated staff's reaction) the latency is made of."""
    spans: dict[str, list[float]] = {}
    for r in results:
        for (a, at_a), (b, at_b) in itertools.pairwise(timeline_stamps(r.application)):
            spans.setdefault(f"{a} -> {b}", []).append((at_b - at_a).total_seconds())
    return [{"stage": k, "n": len(v), "p50_s": _r(percentile(v, 50)), "max_s": _r(max(v))} for k, v in spans.items()]


def _summary(results: list[JourneyResult], seconds: float) -> dict[str, Any]:
    completed = sum(1 for r in results if r.final_status == "completed")
    return {
        "applicants": len(results), "completed": completed, "failed": sum(1 for r in results if not r.ok),
        "seconds": round(seconds, 2), "completed_per_second": round(completed / seconds, 3) if seconds else None,
        "submit_to_certificate": _latency(results),
        "errors": [f"{r.person.email}: {r.error}" for r in results if not r.ok][:10],
    }


async def measure_chain(*, log_dir: Path, applicants: int, half_rate_applicants: int, submit_drafts: int,
                        duration: float, concurrency: int, out: TextIO,
                        profile_dir: Path | None = None, stamp: str = "") -> dict[str, Any]:
    seed = random.randrange(1 << 30)  # noqa: S311 - synthetic data
    rng = random.Random(seed)  # noqa: S311
    tag = "b" + uuid.uuid4().hex[:6]
    total = applicants + half_rate_applicants + submit_drafts
    people = make_people(total, seed=seed, tag=tag)
    result: dict[str, Any] = {"seed": seed}
    print(f"starting the chain as processes (RabbitMQ + PostgreSQL), logs in {log_dir}", file=out, flush=True)
    async with processes_chain(log_dir, extra_env=COMMON_ENV, service_env=SERVICE_ENV) as running:
        offsets = log_offsets(running.log_files)
        await asyncio.sleep(3)  # settle before the idle reading
        result["idle_rss"] = {n: read_rss(pid) for n, pid in running.pids.items()}
        async with new_http(concurrency) as http, stand_in_for_autovacuum(running, out) as analyzing:
            result["analyzed_in_autovacuums_stead"] = analyzing
            chain = chain_clients(running, http, step_timeout=180.0, seed=seed, poll_max_delay=0.25)
            await chain.login_staff()
            result["warmup"] = await warm_up(chain, applicants=WARMUP_APPLICANTS, seed=seed,
                                             lsps=sorted(running.lsp_urls), concurrency=concurrency, out=out)
            plans = make_plans(total, rng, {"happy": 1.0}, sorted(running.lsp_urls))
            a, b = applicants, applicants + half_rate_applicants
            print(f"registering {b} applicants and {total - b} more with filled drafts (not timed)", file=out,
                  flush=True)
            prepared = await _prepare(chain, people[:b], plans[:b], concurrency, out, fill=False)
            prepared += await _prepare(chain, people[b:], plans[b:], concurrency, out, fill=True)
            metrics = Metrics()
            _rebind(prepared, chain, metrics)
            print(f"full load: {applicants} applicants, {concurrency} in flight", file=out, flush=True)
            pids = {**running.pids, LOAD_GENERATOR: os.getpid()}
            profiler = Profiler(running.pids, profile_dir, stamp) if profile_dir is not None else None
            if profiler is not None:
                await profiler.start()
            work_before = await read_counts(running.urls)
            cpu_before = {n: cpu_seconds(pid) for n, pid in pids.items()}
            threads_before = {n: thread_cpu(pid) for n, pid in running.pids.items()}
            infra_before = infrastructure_cpu()
            full, seconds = await _journeys(chain, people[:a], plans[:a], prepared[:a], concurrency)
            cpu_after = {n: cpu_seconds(pid) for n, pid in pids.items()}
            threads_after = {n: thread_cpu(pid) for n, pid in running.pids.items()}
            infra_after = infrastructure_cpu()
            work_after = await read_counts(running.urls)
            if profiler is not None:
                result["profiles"] = await profiler.stop()
            result["full_load"] = _summary(full, seconds)
            # Where the CPU went: milliseconds of CPU per completed application, by process.
            result["full_load"]["cpu_ms_per_application"] = _cpu_per_application(
                cpu_before, cpu_after, result["full_load"]["completed"])
            fl = result["full_load"]
            fl["cpu_ms_per_application_by_thread"] = {
                n: split_per_application(pid, threads_before[n], threads_after[n], fl["completed"])
                for n, pid in running.pids.items()}
            fl["infrastructure_cpu_ms_per_application"] = _infrastructure_per_application(
                infra_before, infra_after, fl["completed"])
            fl["work_per_application"] = work_per_application(work_before, work_after, fl["completed"],
                                                              fl["cpu_ms_per_application"])
            fl["db_round_trips_per_application"] = chain_round_trips(fl["work_per_application"])
            result["full_load"]["portal_get_application"] = _client_latency(metrics, "portal.get_application")
            result["full_load"]["portal_submit_application"] = _client_latency(metrics, "portal.submit_application")
            result["full_load"]["http_requests"] = metrics.requests()
            result["full_load"]["requests_per_application"] = round(metrics.requests() / max(1, len(full)), 1)
            peak = result["full_load"]["completed_per_second"] or 0.0

            if half_rate_applicants and peak > 0:
                rate = peak / 2
                print(f"half the peak rate: {half_rate_applicants} applicants at {rate:.2f}/s", file=out, flush=True)
                _rebind(prepared, chain, Metrics())
                # Few applicants in flight here, so the simulated staff and applicants poll finely:
                # the latency is then the chain's, not the polls' back-off (up to 0.25 s a step).
                polls = chain.poll_first_delay, chain.poll_max_delay
                chain.poll_first_delay, chain.poll_max_delay = HALF_RATE_POLL_S
                try:
                    half, seconds = await _open_loop(chain, people[a:b], plans[a:b], prepared[a:b], rate)
                finally:
                    chain.poll_first_delay, chain.poll_max_delay = polls
                result["half_rate"] = {"rate_per_second": round(rate, 3), "poll_s": list(HALF_RATE_POLL_S),
                                       **_summary(half, seconds), "stages": _stages(half)}

            done = next((r for r in full if r.final_status == "completed"), None)
            if done is not None:
                portal = prepared[full.index(done)][0]
                url = f"{running.urls['portal']}/api/v1/applications/{done.application_id}"
                headers = {"Authorization": f"Bearer {portal.token}"}
                print(f"portal get_application under load ({duration:.0f} s)", file=out, flush=True)
                read = await closed_loop("portal_get_application", lambda i: ("GET", url, headers, None),
                                         concurrency=concurrency, duration=duration)
                result["portal_get_application_load"] = read.as_dict()

            drafts = prepared[b:]
            if drafts:
                print(f"portal submit_application burst: {len(drafts)} drafts", file=out, flush=True)
                reqs = [("POST", f"{running.urls['portal']}/api/v1/applications/{app_id}/submit",
                         {"Authorization": f"Bearer {portal.token}"}, None) for portal, app_id in drafts if app_id]
                sub = await burst("portal_submit_application", reqs, concurrency=concurrency)
                result["portal_submit_application_load"] = sub.as_dict()

        result["peak_rss"] = {n: read_rss(pid) for n, pid in running.pids.items()}
        await asyncio.sleep(1)
        problems = scan_logs(running.log_files, offsets)
        result["log_errors"] = [f"{p.file}:{p.line_no}: {p.text[:300]}" for p in problems[:30]]
        result["log_error_count"] = len(problems)
        result["all_as_expected"] = (not result["full_load"]["failed"]
                                     and not result.get("half_rate", {}).get("failed"))
    return result
