"""The bench's goals: each target of issue 17 judged from one run's figures, the load
generator's own CPU left out of the chain's."""

from __future__ import annotations

from typing import Any

from scripts.bench.report import LOAD_GENERATOR, goals


def _run(cpu: dict[str, float | None], p99: float, replicas: float | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {
        "floors": {"bare_get": {"rps": 1000.0}, "pg_select_get": {"rps": 100.0}, "pg_insert_post": {"rps": 100.0},
                   "hop_aiohttp": {"rps": 100.0}, "hop_chain": {"rps": 60.0}},
        "chain": {"full_load": {"completed_per_second": 3.0, "cpu_ms_per_application": cpu},
                  "portal_get_application_load": {"rps": 85.0}, "portal_submit_application_load": {"rps": 30.0},
                  "half_rate": {"submit_to_certificate": {"p99_s": p99}},
                  "idle_rss": {"portal": {"rss_mib": 90.0}, "siki": {"rss_mib": 99.9}}},
    }
    if replicas is not None:
        results["replicas"] = {"throughput_ratio": replicas}
    return results


def _by_goal(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["goal"]: g for g in goals(results)}


def test_cpu_per_application_sums_the_services_only() -> None:
    found = _by_goal(_run({"portal": 80.0, "siki": 70.0, "LSP-A": 50.0, LOAD_GENERATOR: 900.0}, 0.4))
    cpu = found["CPU ms per completed application, all services"]
    assert cpu["value"] == 200.0 and cpu["met"] is True
    over = _by_goal(_run({"portal": 80.0, "siki": 70.1, "LSP-A": 50.0}, 0.4))
    assert over["CPU ms per completed application, all services"]["met"] is False


def test_an_unmeasured_service_leaves_the_cpu_goal_unjudged() -> None:
    found = _by_goal(_run({"portal": 80.0, "siki": None}, 0.4))
    assert found["CPU ms per completed application, all services"]["met"] is None


def test_ratios_latency_and_memory_against_their_targets() -> None:
    found = _by_goal(_run({"portal": 1.0}, 0.5))
    assert found["portal get_application / one-select authenticated GET"] == {
        "goal": "portal get_application / one-select authenticated GET", "value": 0.85, "target": ">= 0.8",
        "met": True}
    assert found["portal submit_application / one-insert POST"]["met"] is False  # 0.3
    assert found["chain service call (ServiceClient) / aiohttp hop"]["met"] is True  # 0.6
    assert found["p99 submission -> certificate at half peak (s)"]["met"] is False  # 0.5 is not under 0.5
    assert found["largest idle RSS of a service (MiB)"]["met"] is True
    assert "throughput of N processes per service / one" not in found


def test_replicas_are_judged_when_measured() -> None:
    assert _by_goal(_run({"portal": 1.0}, 0.1, replicas=0.89))[
        "throughput of N processes per service / one"]["met"] is False
    assert _by_goal(_run({"portal": 1.0}, 0.1, replicas=0.9))[
        "throughput of N processes per service / one"]["met"] is True
