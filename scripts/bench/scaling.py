"""Two longer looks at the chain, outside the short bench:

- ``--replicas N``: the full-load phase with one process per service, then with N processes of
  every service (competing consumers on each queue, one shared port per service: the parent binds
  it and each uvicorn process accepts on it), on the same cores; the throughput ratio is the
  figure (on two cores it shows what replicas cost, not what they add).
- ``--soak``: many applications in rounds (10,000 by default) through one chain, the RSS of every
  process read after each round; the growth from the first round after warm-up to the last is the
  figure (goal: under 10 %). Hours on two cores: documented, not run by CI.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path
from typing import Any, TextIO

from scripts.bench.chain import (
    WARMUP_APPLICANTS,
    _cpu_per_application,
    _infrastructure_per_application,
    _journeys,
    _prepare,
    _rebind,
    _summary,
    cpu_seconds,
    infrastructure_cpu,
    read_rss,
    warm_up,
)
from scripts.bench.database import rows_read_by_full_scans, stand_in_for_autovacuum
from scripts.bench.work import read_counts, work_per_application
from scripts.simulator.api import Metrics
from scripts.simulator.chains import processes_chain
from scripts.simulator.people import make_people
from scripts.simulator.run import chain_clients, make_plans, new_http

# Twelve processes on one PostgreSQL server (max_connections 100): smaller pools than the
# single-process bench's, the same for both runs so that only the process count differs.
SCALING_POOLS = {"portal": {"SKK_DATABASE_POOL_SIZE": "6"}, "siki": {"SKK_DATABASE_POOL_SIZE": "6"}}
SCALING_COMMON = {"SKK_DATABASE_POOL_SIZE": "4"}
SERVICES = ("portal", "siki", "LSP-A", "LSP-B", "bnsp", "lpjk")
# A soak vacuums in autovacuum's stead at autovacuum's own cadence (scripts/bench/database.py).
SOAK_VACUUM_EVERY = 60.0


async def full_load(*, log_dir: Path, applicants: int, concurrency: int, processes: int, out: TextIO,
                    rounds: int = 1, warmup_rounds: int = 0, warmup_applicants: int = 0,
                    progress: Path | None = None) -> dict[str, Any]:
    """``rounds`` full-load phases of ``applicants`` each through one chain of ``processes``
    processes per service, after ``warmup_applicants`` unmeasured journeys; the RSS of every
    process after each round. ``progress``: the results so far, rewritten after every round (a
    soak stopped part way keeps what each finished round measured)."""
    seed = random.randrange(1 << 30)  # noqa: S311 - synthetic data
    rng = random.Random(seed)  # noqa: S311
    replicas = {name: processes for name in SERVICES} if processes > 1 else None
    result: dict[str, Any] = {"processes_per_service": processes, "seed": seed, "rounds": []}
    print(f"chain with {processes} process(es) per service, {rounds} round(s) of {applicants}", file=out, flush=True)
    async with processes_chain(log_dir / f"x{processes}", extra_env=SCALING_COMMON, service_env=SCALING_POOLS,
                               replicas=replicas) as running, new_http(concurrency) as http, \
            stand_in_for_autovacuum(running, out,
                                    vacuum_every=SOAK_VACUUM_EVERY if rounds > 1 else None) as analyzing:
        result["analyzed_in_autovacuums_stead"] = analyzing
        chain = chain_clients(running, http, step_timeout=300.0, seed=seed, poll_max_delay=0.25)
        await chain.login_staff()
        result["idle_rss"] = {n: read_rss(pid)["rss_mib"] for n, pid in running.pids.items()}
        result["warmup"] = await warm_up(chain, applicants=warmup_applicants, seed=seed,
                                         lsps=sorted(running.lsp_urls), concurrency=concurrency, out=out)
        for r in range(rounds):
            tag = "s" + uuid.uuid4().hex[:6]
            people = make_people(applicants, seed=seed + r, tag=tag)
            plans = make_plans(applicants, rng, {"happy": 1.0}, sorted(running.lsp_urls))
            prepared = await _prepare(chain, people, plans, concurrency, out, fill=False)
            _rebind(prepared, chain, Metrics())
            pids = dict(running.pids)
            # One process per service: its /metrics are the service's (with replicas, the shared
            # port answers from whichever process accepts, so the counts would be a process's).
            counted = processes == 1
            work_before = await read_counts(running.urls) if counted else {}
            before = {n: cpu_seconds(pid) for n, pid in pids.items()}
            infra_before = infrastructure_cpu()
            scanned_before = await rows_read_by_full_scans(running)
            done, seconds = await _journeys(chain, people, plans, prepared, concurrency)
            after = {n: cpu_seconds(pid) for n, pid in pids.items()}
            infra_after = infrastructure_cpu()
            scanned_after = await rows_read_by_full_scans(running)
            summary = _summary(done, seconds)
            summary["rows_read_by_full_scans_per_application"] = {
                n: round((scanned_after[n] - scanned_before.get(n, 0)) / summary["completed"], 1)
                if summary["completed"] else None for n in scanned_after}
            # PostgreSQL's share shows what grows with the data (a query reading a whole table).
            summary["infrastructure_cpu_ms_per_application"] = _infrastructure_per_application(
                infra_before, infra_after, summary["completed"])
            used = sum((after[n] or 0) - (before[n] or 0) for n in pids)
            summary["cpu_ms_per_application_all_services"] = (
                round(used / summary["completed"] * 1000, 1) if summary["completed"] else None)
            summary["cpu_ms_per_application"] = _cpu_per_application(before, after, summary["completed"])
            if counted:
                summary["work_per_application"] = work_per_application(
                    work_before, await read_counts(running.urls), summary["completed"],
                    summary["cpu_ms_per_application"])
            summary["rss_mib"] = {n: read_rss(pid)["rss_mib"] for n, pid in pids.items()}
            result["rounds"].append(summary)
            print(f"  round {r + 1}/{rounds}: {summary['completed']}/{applicants} completed, "
                  f"{summary['completed_per_second']}/s, CPU {summary['cpu_ms_per_application_all_services']} ms "
                  f"per application, RSS {summary['rss_mib']}", file=out, flush=True)
            if counted:
                line = round_line(summary["cpu_ms_per_application"], summary["work_per_application"])
                print(f"    per service: {line}", file=out, flush=True)
            print("    servers: " + ", ".join(f"{name} {ms} ms" for name, ms in
                                          summary["infrastructure_cpu_ms_per_application"].items())
                  + "; rows read by full scans: " + ", ".join(
                      f"{name} {rows}" for name, rows in summary["rows_read_by_full_scans_per_application"].items()),
                  file=out, flush=True)
            if progress is not None:
                save_progress(progress, result)  # a few KiB once a round, minutes apart
            if summary["errors"]:
                print(f"    first errors: {summary['errors'][:3]}", file=out, flush=True)
    if rounds > warmup_rounds + 1:
        result["rss_growth_after_warmup"] = rss_growth(result["rounds"], warmup_rounds)
    return result


def save_progress(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str))


def round_line(cpu: dict[str, float | None], work: dict[str, dict[str, Any]]) -> str:
    """Each service's CPU ms and requests served per completed application in a round: whether a
    change over the rounds is a service's own work growing or the clients asking more (polls)."""
    return ", ".join(f"{name} {ms} ms ({work.get(name, {}).get('requests_per_application')} requests)"
                     for name, ms in cpu.items())


def rss_growth(rounds: list[dict[str, Any]], warmup_rounds: int) -> dict[str, float | None]:
    """Per process: (RSS after the last round - RSS after the first round past warm-up) / the latter."""
    first, last = rounds[warmup_rounds]["rss_mib"], rounds[-1]["rss_mib"]
    out: dict[str, float | None] = {}
    for name, start in first.items():
        end = last.get(name)
        out[name] = round((end - start) / start, 4) if start and end is not None else None
    return out


async def measure_replicas(*, log_dir: Path, applicants: int, concurrency: int, processes: int,
                           out: TextIO) -> dict[str, Any]:
    # The same warm-up for both, enough journeys to reach every process of every service.
    warm = WARMUP_APPLICANTS * processes
    one = await full_load(log_dir=log_dir, applicants=applicants, concurrency=concurrency, processes=1, out=out,
                          warmup_applicants=warm)
    many = await full_load(log_dir=log_dir, applicants=applicants, concurrency=concurrency, processes=processes,
                           out=out, warmup_applicants=warm)
    rate_one, rate_many = one["rounds"][0]["completed_per_second"], many["rounds"][0]["completed_per_second"]
    return {"one": one, "many": many, "cores": os.cpu_count(),
            "throughput_ratio": round(rate_many / rate_one, 3) if rate_one and rate_many else None}


async def measure_soak(*, log_dir: Path, applications: int, round_size: int, concurrency: int,
                       out: TextIO, progress: Path | None = None) -> dict[str, Any]:
    rounds = max(3, -(-applications // round_size))  # a warm-up round, then at least two
    return await full_load(log_dir=log_dir, applicants=round_size, concurrency=concurrency, processes=1, out=out,
                           rounds=rounds, warmup_rounds=1, progress=progress)
