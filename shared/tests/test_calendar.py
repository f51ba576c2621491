"""Due dates around Indonesian holidays, with the calendar of the ``holidays`` package."""

from __future__ import annotations

from datetime import date

import pytest

from shared.calendar import add_working_days, indonesian_holidays, is_overdue, is_working_day


@pytest.fixture(scope="module")
def with_leave() -> object:
    return indonesian_holidays(count_collective_leave=True)


@pytest.fixture(scope="module")
def public_only() -> object:
    return indonesian_holidays(count_collective_leave=False)


def test_the_calendar_is_the_packages(with_leave: object, public_only: object) -> None:
    # Idul Fitri 2025 and its cuti bersama: the joint holidays are only in the "government" category.
    assert date(2025, 3, 31) in with_leave and date(2025, 3, 31) in public_only  # type: ignore[operator]
    assert date(2025, 4, 7) in with_leave  # type: ignore[operator]
    assert date(2025, 4, 7) not in public_only  # type: ignore[operator]


def test_idul_fitri_2025_with_collective_leave(with_leave: object) -> None:
    # REFERENCE.md: 7 working days after 2025-03-27 is 2025-04-16 counting collective leave.
    assert add_working_days(date(2025, 3, 27), 7, with_leave) == date(2025, 4, 16)  # type: ignore[arg-type]


def test_idul_fitri_2025_public_holidays_only(public_only: object) -> None:
    assert add_working_days(date(2025, 3, 27), 7, public_only) == date(2025, 4, 9)  # type: ignore[arg-type]


@pytest.mark.parametrize(("issued", "leave", "due"), [
    # Christmas 2025 (Thu 25) with its joint holiday on Fri 26, then New Year 2026.
    (date(2025, 12, 24), True, date(2026, 1, 7)),
    (date(2025, 12, 24), False, date(2026, 1, 6)),
    # Independence Day 2025 falls on a Sunday; Monday 18 August is the joint holiday.
    (date(2025, 8, 14), True, date(2025, 8, 26)),
    (date(2025, 8, 14), False, date(2025, 8, 25)),
    # No holiday near: only the weekend is skipped.
    (date(2025, 2, 3), True, date(2025, 2, 12)),
])
def test_other_holidays(issued: date, leave: bool, due: date) -> None:
    assert add_working_days(issued, 7, indonesian_holidays(leave)) == due


def test_issued_on_a_holiday_counts_from_the_next_working_day(with_leave: object) -> None:
    # Issued on Idul Fitri itself (a Monday): the first working day is 8 April.
    assert add_working_days(date(2025, 3, 31), 1, with_leave) == date(2025, 4, 8)  # type: ignore[arg-type]


def test_zero_days_and_negative(with_leave: object) -> None:
    assert add_working_days(date(2025, 3, 27), 0, with_leave) == date(2025, 3, 27)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 27), -1, with_leave)  # type: ignore[arg-type]


def test_working_day_and_overdue(with_leave: object) -> None:
    assert not is_working_day(date(2025, 4, 5), with_leave)  # type: ignore[arg-type]  # Saturday
    assert not is_working_day(date(2025, 4, 2), with_leave)  # type: ignore[arg-type]
    assert is_working_day(date(2025, 4, 8), with_leave)  # type: ignore[arg-type]
    assert not is_overdue(date(2025, 4, 16), date(2025, 4, 16))
    assert is_overdue(date(2025, 4, 16), date(2025, 4, 17))
