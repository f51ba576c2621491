"""The Indonesian calendar loaded by itself is the package's own ``country_holidays("ID")``."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from shared.calendar import PUBLIC_ONLY, WITH_COLLECTIVE_LEAVE, indonesian_holidays


@pytest.mark.parametrize("leave", [True, False])
def test_same_days_and_names_as_country_holidays(leave: bool) -> None:
    categories = WITH_COLLECTIVE_LEAVE if leave else PUBLIC_ONLY
    ours = indonesian_holidays(leave)
    for year in range(2020, 2036):
        expected = dict(holidays.country_holidays("ID", years=year, categories=categories))
        _ = date(year, 1, 1) in ours  # the calendar fills in a year when first asked about it
        assert {d: n for d, n in ours.items() if d.year == year} == expected
