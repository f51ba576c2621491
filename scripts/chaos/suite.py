"""The fault run: its own RabbitMQ node, the chain as processes (with replicas) on fresh
databases, the simulator with every scenario of the mix, each process and the broker killed
(-9) once at seeded random moments and restarted within seconds, then the checks."""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from scripts.chain_processes import DEFAULT_PORTS, free_port
from scripts.chaos.broker import RabbitNode
from scripts.chaos.checks import Check, disagreements, run_checks, unpublished_outbox
from scripts.chaos.checks import Databases as _Databases
from scripts.simulator.chains import POSTGRES_URL, REPLICAS, RunningChain, TunedProcesses, new_processes
from scripts.simulator.mailbox import MemoryMailbox
from scripts.simulator.run import DEFAULT_MIX, SimulationReport, simulate

BROKER = "broker"


@dataclass
class Kill:
    target: str
    at: float  # seconds since the run started
    down: float  # seconds until the restart was begun
    back_after: float | None = None  # seconds from the kill until ready again
    error: str | None = None


@dataclass
class ChaosReport:
    applicants: int
    seed: int
    replicas: dict[str, int]
    seconds: float = 0.0
    kills: list[Kill] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    simulation: SimulationReport | None = None
    log_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and all(k.error is None for k in self.kills)


def targets(procs: TunedProcesses) -> list[str]:
    """Every process of every service, and the broker."""
    return [p for name in DEFAULT_PORTS for p in procs.replica_names(name)] + [BROKER]


async def fault_loop(procs: TunedProcesses, node: RabbitNode, rng: random.Random, started: float,
                     gap: tuple[float, float], out: TextIO | None) -> list[Kill]:
    """Each target killed once, in a seeded order after seeded pauses, restarted after a seeded
    down time of 0.5 to 3 seconds; one thing down at a time."""
    order = targets(procs)
    rng.shuffle(order)
    kills = []
    for target in order:
        await asyncio.sleep(rng.uniform(*gap))
        down = rng.uniform(0.5, 3.0)
        kill = Kill(target=target, at=round(time.monotonic() - started, 1), down=round(down, 1))
        t0 = time.monotonic()
        try:
            if target == BROKER:
                node.kill()
                await asyncio.sleep(down)
                node.start()
                await node.wait_ready()
            else:
                procs.kill_replica(target)
                await asyncio.sleep(down)
                procs.start_replica(target)
                await procs.wait_ready([target], timeout=120)
            kill.back_after = round(time.monotonic() - t0, 1)
        except Exception as exc:  # reported; the run goes on
            kill.error = f"{type(exc).__name__}: {exc}"
        if out is not None:
            print(f"  kill -9 {target} at {kill.at}s: back after {kill.back_after}s"
                  + (f" ({kill.error})" if kill.error else ""), file=out, flush=True)
        kills.append(kill)
    return kills


async def dead_letters(node: RabbitNode) -> dict[str, int]:
    queues = await asyncio.to_thread(node.queues)
    return {str(q["name"]): int(str(q.get("messages") or 0)) for q in queues if str(q["name"]).endswith(".dead")}


async def settle(procs: TunedProcesses, timeout: float, out: TextIO | None) -> float:
    """Until every outbox is drained and the states agree (events still in flight after the
    last journey), or ``timeout``; answers the seconds it took."""
    start = time.monotonic()
    async with _Databases(procs) as db:
        while time.monotonic() - start < timeout:
            if not any((await unpublished_outbox(db)).values()) and not await disagreements(db):
                break
            await asyncio.sleep(1.0)
    took = time.monotonic() - start
    if out is not None:
        print(f"settled after {took:.1f} s", file=out, flush=True)
    return took


async def run_chaos(applicants: int, *, seed: int | None = None, concurrency: int = 20,
                    replicas: dict[str, int] | None = None, gap: tuple[float, float] | None = None,
                    log_dir: Path | None = None, out: TextIO | None = sys.stdout,
                    postgres_admin_url: str = POSTGRES_URL, settle_seconds: float = 180.0) -> ChaosReport:
    seed = seed if seed is not None else random.randrange(1 << 30)  # noqa: S311
    replicas = dict(REPLICAS if replicas is None else replicas)
    rng = random.Random(seed)  # noqa: S311 - fault timing, not secrets
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="skk-chaos-logs-"))
    report = ChaosReport(applicants=applicants, seed=seed, replicas=replicas, log_dir=log_dir)
    node = RabbitNode(port=free_port(), dist_port=free_port())
    mailbox = MemoryMailbox().start()
    tag = uuid.uuid4().hex[:8]
    procs = new_processes(log_dir, mailbox.url, tag=tag, replicas=replicas)
    procs.postgres_admin_url = postgres_admin_url
    procs.amqp_url = node.amqp_url
    procs.rabbitmqctl = node.ctl
    procs.db_prefix = f"skkc_{tag}"
    if out is not None:
        print(f"chaos: {applicants} applicants, seed {seed}, replicas {replicas}; logs in {log_dir}; "
              f"broker {node.name} on port {node.port} ({node.base})", file=out, flush=True)
    started = time.monotonic()
    try:
        node.start()
        await node.wait_ready()
        await procs.start(timeout=180)
        running = RunningChain(mode="services", urls={n: procs.url(n) for n in DEFAULT_PORTS}, mailbox=mailbox,
                               log_files=procs.log_files, processes=procs)
        # Spread the kills over about the time the journeys take (measured: ~1 s per applicant
        # at concurrency 20 on two cores), each one after the previous one is back.
        per_kill = max(4.0, applicants * 1.0 / len(targets(procs)))
        sim_task = asyncio.create_task(simulate(running, applicants, concurrency=concurrency, seed=seed,
                                                mix=DEFAULT_MIX, step_timeout=240.0, out=out))
        kills_task = asyncio.create_task(fault_loop(procs, node, rng, started, gap or (per_kill * 0.5, per_kill),
                                                    out))
        report.simulation = await sim_task
        report.kills = await kills_task
        await settle(procs, settle_seconds, out)
        report.checks = await run_checks(procs, report.simulation.results, mailbox, await dead_letters(node))
    finally:
        report.seconds = time.monotonic() - started
        procs.stop()
        with contextlib.suppress(Exception):
            await procs.drop_databases()
        node.stop()
        mailbox.stop()
    return report


def print_report(report: ChaosReport, out: TextIO = sys.stdout) -> None:
    sim = report.simulation
    print(f"\n== chaos report: {report.applicants} applicants, seed {report.seed}, "
          f"{report.seconds:.0f} s, replicas {report.replicas}", file=out)
    if sim is not None:
        s = sim.summary()
        print(f"final states: {s['final_states']}; scenarios: {s['scenarios']}", file=out)
        print(f"HTTP requests: {s['http_requests']}; HTTP errors: {s['http_errors']}", file=out)
    print(f"kills ({len(report.kills)}):", file=out)
    for k in report.kills:
        print(f"  {k.target:10} at {k.at:7.1f} s, down {k.down:.1f} s, back after {k.back_after} s"
              + (f"  FAILED: {k.error}" if k.error else ""), file=out)
    print("checks:", file=out)
    for c in report.checks:
        mark = "ok  " if c.offending == 0 else ("info" if c.informational else "FAIL")
        print(f"  [{mark}] {c.name}: {c.offending} of {c.checked}", file=out)
        for e in c.examples:
            print(f"           {e}", file=out)
    print(f"result: {'PASSED' if report.ok else 'FAILED'} (logs: {report.log_dir})", file=out, flush=True)


def summary(report: ChaosReport) -> dict[str, Any]:
    return {
        "applicants": report.applicants, "seed": report.seed, "seconds": round(report.seconds, 1),
        "replicas": report.replicas, "ok": report.ok,
        "kills": [k.__dict__ for k in report.kills],
        "checks": [{"name": c.name, "checked": c.checked, "offending": c.offending, "ok": c.ok,
                    "examples": c.examples} for c in report.checks],
        "simulation": report.simulation.summary() if report.simulation else None,
    }

