"""``python -m scripts.bench [--short | --long] [options]``: see ``scripts/bench/__init__.py``."""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from scripts.bench.chain import measure_chain
from scripts.bench.floors import measure_db_floor, measure_floors
from scripts.bench.report import goals, print_table
from scripts.bench.scaling import measure_replicas, measure_soak
from scripts.simulator.chains import POSTGRES_URL

MODES: dict[str, dict[str, Any]] = {
    # applicants through the chain at full load / at half the peak rate / drafts for the submit burst
    "short": {"applicants": 30, "half_rate_applicants": 10, "submit_drafts": 30, "duration": 4.0},
    "long": {"applicants": 300, "half_rate_applicants": 60, "submit_drafts": 200, "duration": 20.0},
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench", description=__doc__)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--short", action="store_true", help="about 90 s (the default)")
    mode.add_argument("--long", action="store_true", help="about ten minutes, larger samples")
    p.add_argument("--applicants", type=int, default=None, help="applicants at full load")
    p.add_argument("--half-rate-applicants", type=int, default=None)
    p.add_argument("--submit-drafts", type=int, default=None, help="drafts submitted in the submit burst")
    p.add_argument("--duration", type=float, default=None, help="seconds of each closed-loop load phase")
    p.add_argument("--concurrency", type=int, default=32, help="applicants in flight / HTTP load connections")
    p.add_argument("--skip-floors", action="store_true")
    p.add_argument("--profile", action="store_true",
                   help="sample every service with py-spy during the full load (tables in --out-dir)")
    p.add_argument("--out-dir", type=Path, default=Path("bench-results"))
    p.add_argument("--log-dir", type=Path, default=None)
    p.add_argument("--replicas", type=int, default=1, metavar="N",
                   help="then the full load with N processes of every service against one, same cores")
    p.add_argument("--soak", action="store_true",
                   help="only the soak: --soak-applications in rounds of --round-size, RSS after each")
    p.add_argument("--soak-applications", type=int, default=10_000)
    p.add_argument("--round-size", type=int, default=500)
    return p


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    mode = "long" if args.long else "short"
    cfg = dict(MODES[mode])
    for key in ("applicants", "half_rate_applicants", "submit_drafts", "duration"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    log_dir = args.log_dir or Path("var/bench-logs") / stamp
    out = sys.stdout
    if args.soak:
        mode = "soak"
        print(f"soak: {args.soak_applications} applications in rounds of {args.round_size}; logs in {log_dir}",
              flush=True)
        partial = args.out_dir / f"bench-{stamp}-soak.partial.json"
        print(f"each round's results so far: {partial}", flush=True)
        soak = await measure_soak(log_dir=log_dir, applications=args.soak_applications, round_size=args.round_size,
                                  concurrency=args.concurrency, out=out, progress=partial)
        return _save(args, stamp, {"mode": mode, "started": stamp, "machine": _machine(), "floors": {},
                                   "chain": {"all_as_expected": True}, "soak": soak})
    print(f"bench ({mode}): {cfg}, concurrency {args.concurrency}; logs in {log_dir}", flush=True)
    floors: dict[str, Any] = {}
    db_floor: dict[str, Any] = {}
    if not args.skip_floors:
        measured = await measure_floors(postgres_admin_url=POSTGRES_URL, log_dir=log_dir,
                                        duration=cfg["duration"], concurrency=args.concurrency, out=out)
        floors = {k: v.as_dict() for k, v in measured.items()}
        db_floor = await measure_db_floor(postgres_admin_url=POSTGRES_URL, out=out)
    chain = await measure_chain(log_dir=log_dir, applicants=cfg["applicants"],
                                half_rate_applicants=cfg["half_rate_applicants"],
                                submit_drafts=cfg["submit_drafts"], duration=cfg["duration"],
                                concurrency=args.concurrency, out=out,
                                profile_dir=args.out_dir if args.profile else None, stamp=stamp)
    results: dict[str, Any] = {
        "mode": mode, "config": {**cfg, "concurrency": args.concurrency}, "started": stamp,
        "machine": _machine(), "floors": floors, "db_floor": db_floor, "chain": chain,
    }
    if args.replicas > 1:
        results["replicas"] = await measure_replicas(log_dir=log_dir, applicants=cfg["applicants"],
                                                     concurrency=args.concurrency, processes=args.replicas, out=out)
    return _save(args, stamp, results)


def _save(args: argparse.Namespace, stamp: str, results: dict[str, Any]) -> dict[str, Any]:
    results["goals"] = goals(results)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / f"bench-{stamp}-{results['mode']}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    results["path"] = str(path)
    return results


def _machine() -> dict[str, Any]:
    import os

    info: dict[str, Any] = {"python": platform.python_version(), "python_build": _python_build(),
                            "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/loadavg").read_text().splitlines():
            info["loadavg_at_end"] = line
    except OSError:
        pass
    return info


def _python_build() -> str:
    """Which interpreter ran the services (they run ``sys.executable`` too), and whether it has
    libpython linked in: the CPU per application differs by build (pyenv's default, libpython
    shared and no PGO, cost 11-18 % more than Debian's static PGO build on the database floor)."""
    interpreter, compiler = Path(sys.executable).resolve(), platform.python_compiler()
    try:
        shared = "libpython" in Path("/proc/self/maps").read_text()
    except OSError:
        return f"{interpreter} ({compiler})"
    return f"{interpreter} (libpython {'shared' if shared else 'static'}; {compiler})"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    results = asyncio.run(_run(args))
    print_table(results)
    print(f"\nresults: {results['path']}")
    return 0 if results["chain"].get("all_as_expected") else 1


if __name__ == "__main__":
    sys.exit(main())
