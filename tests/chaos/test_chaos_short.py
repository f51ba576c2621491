"""``make chaos``'s short mode in the suite: 60 applicants (every scenario of the mix) through
the chain as processes with two processes of SIKI, the portal and LSP-A, on a RabbitMQ node of
its own; every process and the broker killed -9 once at seeded moments and restarted; then
every check (scripts/chaos/checks.py) must pass. ``SKK_CHAOS_APPLICANTS``, ``SKK_CHAOS_SEED`` and
``SKK_CHAOS_CONCURRENCY`` change the size, the seed and the journeys in flight (10 by default: the
suite shares two cores with the rest of ``make test``)."""

from __future__ import annotations

import os
import sys

import pytest

from scripts.chaos.__main__ import SHORT
from scripts.chaos.suite import print_report, run_chaos

pytestmark = pytest.mark.chain


async def test_chaos_short_mode(postgres_admin_url: str) -> None:
    applicants = int(os.environ.get("SKK_CHAOS_APPLICANTS", SHORT))
    seed = int(os.environ.get("SKK_CHAOS_SEED", "15"))
    concurrency = int(os.environ.get("SKK_CHAOS_CONCURRENCY", "10"))
    report = await run_chaos(applicants, seed=seed, concurrency=concurrency, postgres_admin_url=postgres_admin_url,
                             out=sys.stdout)
    print_report(report, sys.stdout)
    # Every process of every service and the broker, once each.
    assert {k.target for k in report.kills} >= {"broker", "siki", "siki#2", "portal", "portal#2", "LSP-A",
                                                "LSP-A#2", "LSP-B", "bnsp", "lpjk"}
    failed = [f"{c.name}: {c.offending} ({'; '.join(c.examples[:3])})" for c in report.checks if not c.ok]
    failed += [f"kill of {k.target}: {k.error}" for k in report.kills if k.error]
    assert not failed, "\n".join(failed)
