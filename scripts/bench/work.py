"""What each service did per completed application during the full load, read from its own
``/metrics`` before and after: the HTTP requests it served (by route) and the events it handled
(by type), beside its CPU per application. CPU per unit of work (a request served or an event
handled) is the figure that shows whether a change made the chain do less or each piece cheaper.
The CPU the garbage collector took is read there too (shared/gctuning.py), as its share of the
service's CPU, and so are the database round trips (shared/db_metrics.py): statements by leading
keyword and transactions (each a ``BEGIN`` and a ``COMMIT`` or ``ROLLBACK``). They are exact where
CPU is noisy, so a change that saves statements shows it in any run.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx

_SAMPLE = re.compile(  # a route may hold braces
    r"^(http_requests_total|events_handled_total|python_gc_cpu_seconds_total|db_statements_total"
    r"|db_statements_direct_total|db_transactions_total)\{(.*)\} (\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
# The bench's own reads of the services, not the chain's work.
_NOT_WORK = frozenset({"GET /metrics", "GET /readyz", "GET /healthz"})
TOP = 8


def parse_counts(text: str) -> dict[str, Counter[str]]:
    """``requests`` by ``METHOD route``, ``events`` by type, ``gc`` (CPU microseconds) by
    generation, ``statements`` by leading keyword (``direct``: those of them sent on the driver's
    connection directly) and ``transactions`` by outcome, from a Prometheus text exposition."""
    requests: Counter[str] = Counter()
    events: Counter[str] = Counter()
    gc_us: Counter[str] = Counter()
    statements: Counter[str] = Counter()
    direct: Counter[str] = Counter()
    transactions: Counter[str] = Counter()
    for line in text.splitlines():
        m = _SAMPLE.match(line)
        if m is None:
            continue
        labels = dict(_LABEL.findall(m[2]))
        if m[1] == "python_gc_cpu_seconds_total":
            gc_us[labels.get("generation", "?")] += round(float(m[3]) * 1e6)
            continue
        value = int(float(m[3]))  # counters: whole numbers, written as floats
        if m[1] == "db_statements_total":
            statements[labels.get("verb", "?")] += value
        elif m[1] == "db_statements_direct_total":
            direct[labels.get("verb", "?")] += value
        elif m[1] == "db_transactions_total":
            transactions[labels.get("outcome", "?")] += value
        elif m[1] == "http_requests_total":
            route = f"{labels.get('method', '?')} {labels.get('route', '?')}"
            if route not in _NOT_WORK:
                requests[route] += value
        else:
            events[labels.get("type", "?")] += value
    return {"requests": requests, "events": events, "gc": gc_us, "statements": statements, "direct": direct,
            "transactions": transactions}


async def read_counts(urls: dict[str, str]) -> dict[str, dict[str, Counter[str]] | None]:
    """Every service's counters now (None for a service whose /metrics did not answer)."""
    out: dict[str, dict[str, Counter[str]] | None] = {}
    async with httpx.AsyncClient(timeout=10.0) as client:
        for name, url in urls.items():
            try:
                r = await client.get(f"{url.rstrip('/')}/metrics")
                out[name] = parse_counts(r.text) if r.status_code == 200 else None
            except httpx.HTTPError:
                out[name] = None
    return out


def _per_application(counter: Counter[str], completed: int) -> dict[str, float]:
    return {k: round(v / completed, 2) for k, v in counter.most_common(TOP) if v > 0}


def work_per_application(before: dict[str, dict[str, Counter[str]] | None],
                         after: dict[str, dict[str, Counter[str]] | None],
                         completed: int, cpu_ms: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """Per service: requests served and events handled per completed application, the busiest
    routes and event types, and CPU ms per unit of work (request or event)."""
    out: dict[str, dict[str, Any]] = {}
    if completed <= 0:
        return out
    for name, end in after.items():
        start = before.get(name)
        if end is None or start is None:
            continue
        requests = end["requests"] - start["requests"]  # Counter subtraction drops what did not grow
        events = end["events"] - start["events"]
        units = (sum(requests.values()) + sum(events.values())) / completed
        cpu = cpu_ms.get(name)
        gc_ms = sum((end.get("gc", Counter()) - start.get("gc", Counter())).values()) / 1000 / completed
        statements = end.get("statements", Counter()) - start.get("statements", Counter())
        direct = end.get("direct", Counter()) - start.get("direct", Counter())
        transactions = sum((end.get("transactions", Counter()) - start.get("transactions", Counter())).values())
        out[name] = {
            "requests_per_application": round(sum(requests.values()) / completed, 2),
            "events_per_application": round(sum(events.values()) / completed, 2),
            "cpu_ms_per_unit": round(cpu / units, 2) if cpu is not None and units else None,
            "gc_ms_per_application": round(gc_ms, 2),
            "gc_percent_of_cpu": round(100 * gc_ms / cpu, 1) if cpu else None,
            "db_statements_per_application": round(sum(statements.values()) / completed, 1),
            "db_statements_by_verb": _per_application(statements, completed),
            "db_statements_direct_per_application": round(sum(direct.values()) / completed, 1),
            "db_transactions_per_application": round(transactions / completed, 1),
            # each transaction adds its BEGIN and its COMMIT or ROLLBACK
            "db_round_trips_per_application": round((sum(statements.values()) + 2 * transactions) / completed, 1),
            "top_requests": _per_application(requests, completed),
            "top_events": _per_application(events, completed),
        }
    return out


def chain_round_trips(work: dict[str, dict[str, Any]]) -> float | None:
    """Database round trips per completed application summed over the services (None when no
    service reported them: an older build)."""
    counts = [w["db_round_trips_per_application"] for w in work.values() if w.get("db_round_trips_per_application")]
    return round(sum(counts), 1) if counts else None


def print_work(work: dict[str, dict[str, Any]]) -> None:
    if not work:
        return
    print("  work per completed application (the services' own /metrics):")
    total = chain_round_trips(work)
    if total is not None:
        print(f"    database round trips, all services: {total}")
    for name, w in work.items():
        print(f"    {name}: {w['requests_per_application']} requests served, {w['events_per_application']} events "
              f"handled, {w['cpu_ms_per_unit']} ms CPU per request or event; garbage collection "
              f"{w.get('gc_ms_per_application')} ms ({w.get('gc_percent_of_cpu')} % of its CPU)")
        if w.get("db_round_trips_per_application"):
            print(f"      database: {w['db_round_trips_per_application']} round trips = "
                  f"{w['db_statements_per_application']} statements ("
                  + ", ".join(f"{k} {v}" for k, v in w["db_statements_by_verb"].items())
                  + f"; {w.get('db_statements_direct_per_application', 0)} of them sent directly) + "
                  f"{w['db_transactions_per_application']} transactions x 2 (BEGIN, COMMIT or ROLLBACK)")
        if w["top_requests"]:
            print("      requests: " + ", ".join(f"{k} {v}" for k, v in w["top_requests"].items()))
        if w["top_events"]:
            print("      events: " + ", ".join(f"{k} {v}" for k, v in w["top_events"].items()))
