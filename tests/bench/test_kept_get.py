"""The bench of a session's ``get`` (scripts/bench/kept_get.py): it compares SQLAlchemy's own
with the services' kept statement, and runs."""

from __future__ import annotations

import pytest

from scripts.bench.kept_get import measure


@pytest.mark.postgres
async def test_it_reports_cpu_per_read_for_both_sides(postgres_admin_url: str) -> None:
    result = await measure(blocks=1, reads=3, admin_url=postgres_admin_url)
    assert set(result) == {f"{side}, {lock}" for side in ("SQLAlchemy's get", "kept statement")
                           for lock in ("locked", "not locked")}
    assert all(micros > 0 for micros in result.values())
