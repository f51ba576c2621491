"""The ``skk`` command.

``python -m scripts.skk simulate --applicants N [--embedded | --services]``
``skk verify --trust-list F --status-list F --status-list F (--pdf F | --qr URL | --credential F)``
``skk fetch-trust --lpjk URL --out DIR`` (see docs/VERIFYING.md and scripts/verify/)

- ``--services``: starts every service as its own process against RabbitMQ and PostgreSQL
  (fresh databases and exchange, removed afterwards), with its own SMTP sink;
- ``--embedded``: serves the embedded chain (SQLite, in-process bus) from this process;
- neither: drives a chain that is already running (``make run`` / ``make run-services``), at
  the URLs given (the default ports otherwise), reading the activation emails from
  ``--mail-dir`` (``make run`` writes them to ``var/mail``).

Exit status 0 only when every applicant ended in its expected final state and the services'
logs hold no error line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

from scripts.chain_processes import DEFAULT_PORTS
from scripts.simulator.chains import RunningChain, embedded_chain, processes_chain
from scripts.simulator.logscan import log_offsets, scan_logs
from scripts.simulator.mailbox import FolderMailbox
from scripts.simulator.run import DEFAULT_MIX, SimulationReport, parse_mix, print_summary, simulate
from scripts.verify import cli as verify_cli


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skk", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("simulate", help="drive N synthetic applicants through the chain")
    s.add_argument("--applicants", "-n", type=int, default=20)
    mode = s.add_mutually_exclusive_group()
    mode.add_argument("--services", action="store_true", help="start every service as a process (RabbitMQ+PostgreSQL)")
    mode.add_argument("--embedded", action="store_true", help="serve the embedded chain from this process")
    s.add_argument("--concurrency", "-c", type=int, default=20)
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--mix", default=",".join(f"{k}={v}" for k, v in DEFAULT_MIX.items()),
                   help="scenario weights, e.g. happy=6,returned=1 (scenarios: happy, returned, "
                        "payment_rejected, appeal_upheld, appeal_rejected, cancelled)")
    s.add_argument("--step-timeout", type=float, default=120.0, help="seconds any one step may take")
    s.add_argument("--log-dir", type=Path, default=None,
                   help="where started services log (default var/sim-logs/<time>)")
    s.add_argument("--keep", action="store_true", help="--services: keep the databases and exchange")
    s.add_argument("--json", type=Path, default=None, help="write the summary as JSON here")
    for name, port in DEFAULT_PORTS.items():
        s.add_argument(f"--{name.lower()}-url", default=f"http://127.0.0.1:{port}",
                       help=f"running chain: {name}'s URL")
    s.add_argument("--mail-dir", type=Path, default=Path("var/mail"), help="running chain: where .eml files land")
    s.add_argument("--log-file", type=Path, action="append", default=None,
                   help="running chain: a service log to scan for errors (default var/logs/*.log)")
    verify_cli.add_parsers(sub)
    return p


async def _simulate(args: argparse.Namespace) -> SimulationReport:
    log_dir = args.log_dir or Path("var/sim-logs") / time.strftime("%Y%m%dT%H%M%S")
    mix = parse_mix(args.mix)

    async def run(running: RunningChain) -> SimulationReport:
        offsets = log_offsets(running.log_files)
        report = await simulate(running, args.applicants, concurrency=args.concurrency, seed=args.seed, mix=mix,
                                step_timeout=args.step_timeout)
        await asyncio.sleep(1.0)  # let the last log lines land
        report.log_problems = scan_logs(running.log_files, offsets)
        return report

    if args.services:
        print(f"starting the chain as processes (logs in {log_dir})", flush=True)
        async with processes_chain(log_dir, keep=args.keep) as running:
            return await run(running)
    if args.embedded:
        print(f"starting the embedded chain (logs in {log_dir}/embedded.log)", flush=True)
        async with embedded_chain(log_dir) as running:
            return await run(running)
    urls = {name: getattr(args, f"{name.lower().replace('-', '_')}_url") for name in DEFAULT_PORTS}
    logs = args.log_file if args.log_file is not None else sorted(Path("var/logs").glob("*.log"))  # noqa: ASYNC240
    running = RunningChain(mode="running", urls=urls, mailbox=FolderMailbox(args.mail_dir), log_files=logs)
    return await run(running)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "simulate":
        report = asyncio.run(_simulate(args))
        print_summary(report)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            summary = report.summary()
            summary["log_problem_lines"] = [f"{p.file}:{p.line_no}: {p.text}" for p in report.log_problems[:200]]
            args.json.write_text(json.dumps(summary, indent=2, default=str))
        return 0 if report.ok else 1
    if args.command in ("verify", "fetch-trust"):
        return verify_cli.run(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
