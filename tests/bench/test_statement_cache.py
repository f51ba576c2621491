"""The bench of what a statement without a cache key costs (scripts/bench/statement_cache.py):
it compares what it says it compares, and runs."""

from __future__ import annotations

import pytest

from scripts.bench.statement_cache import literal_rows, measure, multi_row_values
from services.siki.db.common import OUTBOX
from shared.staged_rows import rows_insert

EVENT = {"event_id": "e", "type": "t", "version": 1, "occurred_at": None, "correlation_id": "c",
         "application_id": "a", "source": "siki", "payload": {}, "publish_attempts": 0}


@pytest.mark.parametrize("rows", [1, 2])
def test_the_sides_differ_as_they_say(rows: int) -> None:
    kept = rows_insert(OUTBOX, [EVENT] * rows)
    assert rows_insert(OUTBOX, [EVENT] * rows).statement is kept.statement  # kept, not built per call
    assert kept.statement._generate_cache_key() is not None
    assert literal_rows(OUTBOX, [EVENT] * rows) is not literal_rows(OUTBOX, [EVENT] * rows)
    assert literal_rows(OUTBOX, [EVENT] * rows)._generate_cache_key() is not None
    assert multi_row_values(OUTBOX, [EVENT] * rows)._generate_cache_key() is None


@pytest.mark.postgres
@pytest.mark.uncached_statements
async def test_it_reports_cpu_per_step_for_both_sides(postgres_admin_url: str) -> None:
    result = await measure(blocks=1, per_block=3, admin_url=postgres_admin_url)
    sides = ("kept", "literal_rows", "multi_row_values")
    assert set(result) == {f"{side} {rows} row(s)" for side in sides for rows in (1, 2)}
    assert all(ms > 0 for ms in result.values())
