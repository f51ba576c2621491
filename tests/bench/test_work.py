"""The bench's work per application: the services' own request and event counters, read before
and after the full load, per completed application and per unit of CPU."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
import respx
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client import Counter as PromCounter

from scripts.bench.work import chain_round_trips, parse_counts, read_counts, work_per_application
from shared.database import create_engine
from shared.db_metrics import count_round_trips
from shared.gctuning import GcClock, GcTimeCollector


def _exposition(requests: dict[tuple[str, str, str], int], events: dict[tuple[str, str, str], int],
                gc_seconds: tuple[float, float, float] | None = None) -> str:
    """What a service's /metrics shows: the runtime's counter names and labels (shared/runtime.py,
    shared/gctuning.py)."""
    registry = CollectorRegistry()
    if gc_seconds is not None:
        clock = GcTimeCollector()
        clock.clock = GcClock()  # this test's own figures, not the process's
        clock.clock.seconds = list(gc_seconds)
        registry.register(clock)
    http = PromCounter("http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry)
    handled = PromCounter("events_handled_total", "Events handled", ["queue", "type", "outcome"], registry=registry)
    for labels, n in requests.items():
        http.labels(*labels).inc(n)
    for labels, n in events.items():
        handled.labels(*labels).inc(n)
    return generate_latest(registry).decode()


def test_counts_by_route_and_event_type_leave_out_the_bench_s_own_reads() -> None:
    text = _exposition(
        {("GET", "/api/v1/applications/{application_id}", "200"): 40,
         ("GET", "/api/v1/applications/{application_id}", "404"): 2,
         ("POST", "/api/v1/applications/{application_id}/submit", "200"): 10,
         ("GET", "/metrics", "200"): 3, ("GET", "/readyz", "200"): 1},
        {("portal", "siki.status_changed", "handled"): 50, ("portal", "siki.status_changed", "duplicate"): 1,
         ("portal.mail", "portal.email_requested", "handled"): 20})
    counts = parse_counts(text)
    assert counts["requests"] == Counter({"GET /api/v1/applications/{application_id}": 42.0,
                                          "POST /api/v1/applications/{application_id}/submit": 10.0})
    # Every outcome is work the service did (a duplicate is still received, checked and acked).
    assert counts["events"] == Counter({"siki.status_changed": 51.0, "portal.email_requested": 20.0})
    assert counts["gc"] == Counter()  # a service that does not report its collector


def test_the_collector_s_cpu_seconds_are_read_by_generation() -> None:
    counts = parse_counts(_exposition({}, {}, gc_seconds=(0.25, 0.125, 1.5)))
    assert counts["gc"] == Counter({"0": 250_000, "1": 125_000, "2": 1_500_000})  # microseconds
    assert counts["requests"] == Counter() and counts["events"] == Counter()


def test_per_application_is_the_growth_over_the_run() -> None:
    before: dict[str, dict[str, Counter[str]] | None] = {
        "portal": {"requests": Counter({"GET /a": 100, "POST /b": 5}), "events": Counter({"e": 10}),
                   "gc": Counter({"0": 1_000_000, "2": 3_000_000})},
        "siki": {"requests": Counter(), "events": Counter()}}
    after: dict[str, dict[str, Counter[str]] | None] = {
        "portal": {"requests": Counter({"GET /a": 140, "POST /b": 5, "POST /c": 10}), "events": Counter({"e": 60}),
                   "gc": Counter({"0": 1_020_000, "1": 10_000, "2": 3_020_000})},
        "siki": {"requests": Counter({"POST /r": 30}), "events": Counter()}}
    work = work_per_application(before, after, completed=10, cpu_ms={"portal": 100.0, "siki": None})
    portal = work["portal"]
    assert portal["requests_per_application"] == 5.0  # 40 + 10 over 10 applications; POST /b did not grow
    assert portal["events_per_application"] == 5.0
    assert portal["cpu_ms_per_unit"] == 10.0  # 100 ms over 10 units per application
    assert portal["gc_ms_per_application"] == 5.0  # 50 ms of collections over 10 applications
    assert portal["gc_percent_of_cpu"] == 5.0
    assert portal["top_requests"] == {"GET /a": 4.0, "POST /c": 1.0}
    assert portal["top_events"] == {"e": 5.0}
    assert work["siki"]["cpu_ms_per_unit"] is None  # its CPU was not read
    assert work["siki"]["requests_per_application"] == 3.0
    assert work["siki"]["gc_ms_per_application"] == 0.0 and work["siki"]["gc_percent_of_cpu"] is None


def test_a_service_not_read_and_an_empty_run_give_nothing_to_report() -> None:
    counts = {"requests": Counter({"GET /a": 1.0}), "events": Counter()}
    assert work_per_application({"portal": counts}, {"portal": counts}, completed=0, cpu_ms={}) == {}
    assert work_per_application({"portal": None}, {"portal": counts}, completed=3, cpu_ms={}) == {}


@pytest.mark.asyncio
@respx.mock
async def test_read_counts_asks_each_service_and_survives_one_that_does_not_answer() -> None:
    text = _exposition({("POST", "/api/v1/reports", "202"): 7}, {})
    respx.get("http://siki.test/metrics").mock(return_value=httpx.Response(200, text=text))
    respx.get("http://lpjk.test/metrics").mock(side_effect=httpx.ConnectError("refused"))
    respx.get("http://bnsp.test/metrics").mock(return_value=httpx.Response(401, text="no"))
    got = await read_counts({"siki": "http://siki.test/", "lpjk": "http://lpjk.test", "bnsp": "http://bnsp.test"})
    assert got["siki"] == {"requests": Counter({"POST /api/v1/reports": 7.0}), "events": Counter(), "gc": Counter(),
                           "statements": Counter(), "direct": Counter(), "transactions": Counter()}
    assert got["lpjk"] is None and got["bnsp"] is None


def test_database_round_trips_are_read_from_the_runtime_s_counters() -> None:
    """The names and labels shared/db_metrics.py registers; a transaction counts twice (BEGIN and
    its end) in the round trips."""
    registry = CollectorRegistry()
    statements, transactions, direct = count_round_trips(create_engine("sqlite+aiosqlite://"), registry)
    statements.labels("select").inc(30)
    statements.labels("with").inc(10)
    direct.labels("select").inc(20)
    transactions.labels("commit").inc(8)
    transactions.labels("rollback").inc(2)
    after = parse_counts(generate_latest(registry).decode())
    assert after["statements"] == Counter({"select": 30, "with": 10})
    assert after["direct"] == Counter({"select": 20})
    assert after["transactions"] == Counter({"commit": 8, "rollback": 2})
    before = parse_counts(_exposition({}, {}))
    work = work_per_application({"siki": before}, {"siki": after}, completed=10, cpu_ms={"siki": 50.0})
    siki = work["siki"]
    assert siki["db_statements_per_application"] == 4.0
    assert siki["db_statements_by_verb"] == {"select": 3.0, "with": 1.0}
    assert siki["db_statements_direct_per_application"] == 2.0
    assert siki["db_transactions_per_application"] == 1.0
    assert siki["db_round_trips_per_application"] == 6.0
    both = work_per_application({"siki": before, "lpjk": before}, {"siki": after, "lpjk": after}, completed=10,
                                cpu_ms={})
    assert chain_round_trips(both) == 12.0
    assert chain_round_trips(work_per_application({"siki": before}, {"siki": before}, completed=10, cpu_ms={})) is None
