"""The bench of what a statement without a cache key costs (scripts/bench/statement_cache.py):
it compares what it says it compares, and runs."""

from __future__ import annotations

import pytest

from scripts.bench.statement_cache import measure, multi_row_values
from services.siki.db.common import OUTBOX
from shared.staged_rows import rows_insert

EVENT = {"event_id": "e", "type": "t", "version": 1, "occurred_at": None, "correlation_id": "c",
         "application_id": "a", "source": "siki", "payload": {}, "publish_attempts": 0}


@pytest.mark.parametrize("rows", [1, 2])
def test_one_side_has_a_cache_key_and_the_other_none(rows: int) -> None:
    assert rows_insert(OUTBOX, [EVENT] * rows)._generate_cache_key() is not None
    assert multi_row_values(OUTBOX, [EVENT] * rows)._generate_cache_key() is None


@pytest.mark.postgres
@pytest.mark.uncached_statements
async def test_it_reports_cpu_per_step_for_both_sides(postgres_admin_url: str) -> None:
    result = await measure(blocks=1, per_block=3, admin_url=postgres_admin_url)
    assert set(result) == {f"{side} {rows} row(s)" for side in ("rows_insert", "multi_row_values") for rows in (1, 2)}
    assert all(ms > 0 for ms in result.values())
