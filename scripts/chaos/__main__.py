"""``make chaos`` / ``python -m scripts.chaos [--applicants N] [--seed S] [--long]``: the
permanent fault suite (scripts/chaos/suite.py); exits 1 when a check fails."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.chaos.suite import print_report, run_chaos, summary

SHORT = 60
LONG = 1000


def parse_replicas(text: str) -> dict[str, int]:
    """``siki=2,portal=2,LSP-A=2`` (``none``: one process each)."""
    if text.strip().lower() == "none":
        return {}
    pairs = (part.split("=", 1) for part in text.split(",") if part.strip())
    return {name.strip(): int(n) for name, n in pairs}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.chaos", description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=SHORT, help=f"applicants to simulate (default {SHORT})")
    parser.add_argument("--long", action="store_true", help=f"the long mode: {LONG} applicants")
    parser.add_argument("--seed", type=int, help="seeds the applicants, the mix and the kills (default: random)")
    parser.add_argument("--concurrency", type=int, default=20, help="journeys in flight at once (default 20)")
    parser.add_argument("--replicas", type=parse_replicas, help="default siki=2,portal=2,LSP-A=2; 'none'")
    parser.add_argument("--log-dir", type=Path, help="the services' logs (default: a new temporary directory)")
    parser.add_argument("--json", type=Path, help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    n = LONG if args.long else args.applicants
    report = asyncio.run(run_chaos(n, seed=args.seed, concurrency=args.concurrency, replicas=args.replicas,
                                   log_dir=args.log_dir))
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(summary(report), indent=2, default=str))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
