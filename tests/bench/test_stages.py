"""The half-rate latency's breakdown: seconds between consecutive timeline entries, by transition."""

from __future__ import annotations

from scripts.bench.chain import _stages
from scripts.simulator.journeys import JourneyResult, Plan
from scripts.simulator.people import make_people


def _result(stamps: list[tuple[str, str]]) -> JourneyResult:
    person = make_people(1, seed=1, tag="t")[0]
    r = JourneyResult(person=person, plan=Plan("LSP-A", "x"))
    r.application = {"timeline": [{"status": s, "at": at} for s, at in stamps]}
    return r


def test_each_transition_is_timed_in_journey_order() -> None:
    one = _result([("submitted", "2026-12-03T10:00:00Z"), ("forwarded", "2026-12-03T10:00:00.100Z"),
                   ("accepted", "2026-12-03T10:00:00.400Z")])
    two = _result([("submitted", "2026-12-03T10:00:00+07:00"), ("forwarded", "2026-12-03T10:00:00.300+07:00")])
    stages = _stages([one, two])
    assert [s["stage"] for s in stages] == ["submitted -> forwarded", "forwarded -> accepted"]
    first = stages[0]
    assert first["n"] == 2 and first["max_s"] == 0.3
    assert stages[1] == {"stage": "forwarded -> accepted", "n": 1, "p50_s": 0.3, "max_s": 0.3}


def test_a_journey_without_a_timeline_adds_nothing() -> None:
    assert _stages([_result([])]) == []
