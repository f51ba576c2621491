"""The bench of the portal's status step (scripts/bench/status_step.py): each side sends what it
says it sends (the locked transaction four round trips, the first try and its driver-only floor
two statements) and advances the application, and it runs."""

from __future__ import annotations

import pytest

from scripts.bench.status_step import SIDES, measure


@pytest.mark.postgres
async def test_it_reports_each_side_with_its_round_trips(postgres_admin_url: str) -> None:
    result = await measure(blocks=1, per_block=3, admin_url=postgres_admin_url)
    assert tuple(result) == SIDES
    trips = {side: result[side]["round_trips"] for side in SIDES}
    # The engine's counters also see the outbox relay's idle peek, should one fall in the window
    # (one peek in a block of three is +0.33), whichever side's window that is.
    assert 4.0 <= trips["locked"] < 4.34, trips
    assert 2.0 <= trips["first try"] < 2.34 and 2.0 <= trips["driver only"] < 2.34, trips
    assert all(result[side]["cpu_ms"] > 0 and result[side]["wall_ms"] > 0 for side in SIDES)
