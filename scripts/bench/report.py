"""The goals of PERFORMANCE.md as ratios against the floors measured in the same run, and the
readable table."""

from __future__ import annotations

from typing import Any

from scripts.bench.threads import MAIN, OTHER, entry_ms
from scripts.bench.work import chain_round_trips, print_work

# The load generator's own CPU is reported beside the services' but is not the chain's cost.
LOAD_GENERATOR = "bench (this process)"


def _get(d: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)  # type: ignore[assignment]
    return d


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    f, c = results.get("floors") or {}, results.get("chain") or {}
    bare, insert = _get(f, "bare_get", "rps"), _get(f, "pg_insert_post", "rps")
    one_select = _get(f, "pg_select_get", "rps")
    aiohttp_hop, chain_hop = _get(f, "hop_aiohttp", "rps"), _get(f, "hop_chain", "rps")
    get_rps = _get(c, "portal_get_application_load", "rps")
    submit_rps = _get(c, "portal_submit_application_load", "rps")
    idle = c.get("idle_rss") or {}
    worst_idle = max((v.get("rss_mib") or 0 for v in idle.values()), default=None)
    cpu = _get(c, "full_load", "cpu_ms_per_application") or {}
    services_cpu = [v for k, v in cpu.items() if k != LOAD_GENERATOR]
    cpu_sum = round(sum(services_cpu), 1) if services_cpu and None not in services_cpu else None
    rows = [
        # Issue 17: at most 200 ms now, toward PERFORMANCE.md's 150.
        ("CPU ms per completed application, all services", cpu_sum, "<=", 200.0),
        ("completed applications per second", _get(c, "full_load", "completed_per_second"), ">=", 12.0),
        ("portal get_application / bare GET", _ratio(get_rps, bare), ">=", 0.6),
        ("portal get_application / one-select authenticated GET", _ratio(get_rps, one_select), ">=", 0.8),
        ("portal submit_application / one-insert POST", _ratio(submit_rps, insert), ">=", 0.4),
        ("chain service call (ServiceClient) / aiohttp hop", _ratio(chain_hop, aiohttp_hop), ">=", 0.5),
        ("p99 submission -> certificate at half peak (s)", _get(c, "half_rate", "submit_to_certificate", "p99_s"),
         "<", 0.5),
        ("largest idle RSS of a service (MiB)", worst_idle, "<", 100.0),
    ]
    if results.get("replicas"):
        rows.append(("throughput of N processes per service / one", _get(results, "replicas", "throughput_ratio"),
                     ">=", 0.9))
    if results.get("mode") == "soak":
        growth = (results.get("soak") or {}).get("rss_growth_after_warmup") or {}
        rows = [("largest RSS growth over the soak after warm-up",
                 max((g for g in growth.values() if g is not None), default=None), "<", 0.1)]
    out = []
    for name, value, op, target in rows:
        met = None if value is None else {">=": value >= target, "<=": value <= target, "<": value < target}[op]
        out.append({"goal": name, "value": value, "target": f"{op} {target}", "met": met})
    return out


def db_floor_lines(results: dict[str, Any]) -> tuple[str | None, str | None]:
    """The database floor of the run (scripts/bench/db_floor.py) and what the chain's round trips
    per application cost at it: how much of the services' CPU the round trips themselves explain,
    through the driver alone and through the services' data layer. (None, None) when not measured."""
    floor = results.get("db_floor") or {}
    raw, layer = floor.get("asyncpg"), floor.get("services")
    if not raw or not layer:
        return None, None
    measured = (f"database floor (one connection; BEGIN, select, update, COMMIT; CPU of the sending process): "
                f"asyncpg {raw['cpu_us_per_transaction']} us per transaction ({raw['cpu_us_per_round_trip']} per "
                f"round trip), the services' engine and session {layer['cpu_us_per_transaction']} "
                f"({layer['cpu_us_per_round_trip']}), {floor.get('services_over_asyncpg')} x")
    direct = floor.get("direct")
    if direct:
        measured += (f"; its statements sent directly (shared/direct_sql.py) {direct['cpu_us_per_transaction']} "
                     f"({direct['cpu_us_per_round_trip']}), {floor.get('direct_over_asyncpg')} x")
    fl = _get(results, "chain", "full_load") or {}
    trips = chain_round_trips(fl.get("work_per_application") or {})
    if trips is None:
        return measured, None
    cpu = fl.get("cpu_ms_per_application") or {}
    services = [v for k, v in cpu.items() if k != LOAD_GENERATOR and v is not None]
    of = f" (of {round(sum(services), 1)} ms, all services)" if services else ""
    explained = (f"    the chain's {trips} round trips per application at the database floor: "
                 f"{trips * raw['cpu_us_per_round_trip'] / 1000:.1f} ms through asyncpg alone, "
                 f"{trips * layer['cpu_us_per_round_trip'] / 1000:.1f} ms through the services' data layer{of}")
    return measured, explained


def print_scaling(results: dict[str, Any]) -> None:
    rep = results.get("replicas")
    if rep:
        for key in ("one", "many"):
            r = rep[key]["rounds"][0]
            print(f"{rep[key]['processes_per_service']} process(es) per service: {r['completed']}/{r['applicants']} "
                  f"completed, {r['completed_per_second']}/s, CPU {r['cpu_ms_per_application_all_services']} ms "
                  f"per application (all services)")
        print(f"throughput ratio on {rep['cores']} cores: {rep['throughput_ratio']}")
    soak = results.get("soak")
    if soak:
        for i, r in enumerate(soak["rounds"], 1):
            print(f"soak round {i}: {r['completed']}/{r['applicants']} completed, {r['completed_per_second']}/s, "
                  f"CPU {r['cpu_ms_per_application_all_services']} ms per application, RSS MiB {r['rss_mib']}")
        last = soak["rounds"][-1] if soak["rounds"] else {}
        print_work(last.get("work_per_application") or {})
        print(f"RSS growth after warm-up: {soak.get('rss_growth_after_warmup')}")


def print_table(results: dict[str, Any]) -> None:
    if results.get("mode") == "soak":
        print_scaling(results)
        _print_goals(results)
        return
    f, c = results.get("floors") or {}, results.get("chain") or {}
    machine = results["machine"]
    print(f"\n== floors (same run; {machine.get('cpus')} CPUs, {machine.get('cpu', '?')};"
          f" Python {machine.get('python', '?')}, {machine.get('python_build', '?')})")
    print(f"{'floor':<34}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, r in f.items():
        print(f"{name:<34}{r['rps']:>10}{r['p50_ms']!s:>10}{r['p99_ms']!s:>10}{r['errors']:>8}")
    measured, explained = db_floor_lines(results)
    if measured:
        print(measured)
    fl = c.get("full_load") or {}
    print("\n== chain (processes, RabbitMQ + PostgreSQL)")
    print(f"full load: {fl.get('completed')}/{fl.get('applicants')} completed in {fl.get('seconds')} s = "
          f"{fl.get('completed_per_second')} completed/s; ~{fl.get('requests_per_application')} HTTP requests "
          f"per application (client side)")
    lat = fl.get("submit_to_certificate") or {}
    print(f"  submission -> certificate issued: p50 {lat.get('p50_s')} s, p95 {lat.get('p95_s')} s, "
          f"p99 {lat.get('p99_s')} s")
    for op in ("portal_get_application", "portal_submit_application"):
        x = fl.get(op) or {}
        print(f"  {op} during the run: p50 {x.get('p50_ms')} ms, p95 {x.get('p95_ms')} ms, "
              f"p99 {x.get('p99_ms')} ms (n={x.get('n')})")
    cpu = fl.get("cpu_ms_per_application") or {}
    if cpu:
        print("  CPU ms per completed application: " + ", ".join(f"{k} {v}" for k, v in cpu.items()))
    threads = {k: v for k, v in (fl.get("cpu_ms_per_application_by_thread") or {}).items() if v}
    if threads:
        print("  of which the main thread / the other threads: "
              + ", ".join(f"{k} {v[MAIN]} / {v[OTHER]}" for k, v in threads.items()))
    infra = fl.get("infrastructure_cpu_ms_per_application") or {}
    if infra:
        print("  and the servers' (not in the goal's sum): " + ", ".join(f"{k} {v}" for k, v in infra.items()))
    print_work(fl.get("work_per_application") or {})
    if explained:
        print(explained)
    hr = c.get("half_rate")
    if hr:
        lat = hr["submit_to_certificate"]
        print(f"half the peak rate ({hr['rate_per_second']}/s, {hr['applicants']} applicants): p50 {lat['p50_s']} s, "
              f"p95 {lat['p95_s']} s, p99 {lat['p99_s']} s; {hr['failed']} failed; clients poll every "
              f"{hr.get('poll_s')} s")
        for st in hr.get("stages") or []:
            print(f"  {st['stage']:<44} p50 {st['p50_s']} s, max {st['max_s']} s (n={st['n']})")
    for key in ("portal_get_application_load", "portal_submit_application_load"):
        x = c.get(key)
        if x:
            print(f"{key}: {x['rps']} rps, p50 {x['p50_ms']} ms, p99 {x['p99_ms']} ms, errors {x['errors']}")
    # The idle RSS split: the process's own pages, and the mapped files' (the libraries' code,
    # shared, and higher or lower with what the page cache holds: see read_rss).
    print(f"\n{'service':<10}{'idle RSS MiB':>14}{'anonymous':>11}{'files':>8}{'idle PSS MiB':>14}{'peak RSS MiB':>14}")
    for name, v in (c.get("idle_rss") or {}).items():
        peak = (c.get("peak_rss") or {}).get(name, {})
        print(f"{name:<10}{v.get('rss_mib')!s:>14}{v.get('anon_mib')!s:>11}{v.get('file_mib')!s:>8}"
              f"{v.get('pss_mib')!s:>14}{peak.get('peak_rss_mib')!s:>14}")
    for name, prof in (c.get("profiles") or {}).items():
        if "error" in prof:
            print(f"\nprofile of {name}: {prof['error']}")
            continue
        print(f"\nprofile of {name} ({prof['samples']} samples; {prof['tables']}):")
        print("  entry points: " + "; ".join(f"{k} {v} %" for k, v in prof["entry_points"][:6]))
        if (split := threads.get(name)) is not None and "worker_threads_share" in prof:
            # Each entry's share within its thread class, times that class's measured CPU.
            shown = sorted(entry_ms(prof["entry_points"][:8], split, prof["worker_threads_share"]),
                           key=lambda kv: -kv[1])
            print("  ms CPU per application: " + "; ".join(f"{k} {v:.1f}" for k, v in shown))
        elif (ms := cpu.get(name)) is not None:  # a share of the samples as CPU ms per application
            print("  ms CPU per application: " + "; ".join(f"{k} {v * ms / 100:.1f}"
                                                         for k, v in prof["entry_points"][:8]))
        if prof.get("greenlets"):  # what the database's greenlets ran, as shares of all samples
            print("  database greenlets by sync call: " + "; ".join(f"{k} {v} %" for k, v in prof["greenlets"][:5]))
        print("  own time by package: " + "; ".join(f"{k} {v} %" for k, v in prof["packages"][:6]))
    print(f"\nerror lines in the services' logs: {c.get('log_error_count')}")
    for line in (c.get("log_errors") or [])[:5]:
        print(f"  {line}")
    print_scaling(results)
    _print_goals(results)


def _print_goals(results: dict[str, Any]) -> None:
    print("\n== goals (PERFORMANCE.md)")
    for g in results.get("goals") or []:
        mark = {True: "met", False: "NOT met", None: "n/a"}[g["met"]]
        print(f"  {g['goal']:<52}{g['value']!s:>10}  {g['target']:<8} {mark}")
