"""Working days in Indonesia: weekends, public holidays and (by default) collective leave
(cuti bersama) do not count. The calendar comes from the ``holidays`` package."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

import holidays

PUBLIC_ONLY = ("public",)
WITH_COLLECTIVE_LEAVE = ("public", "government")


def indonesian_holidays(count_collective_leave: bool = True) -> holidays.HolidayBase:
    categories = WITH_COLLECTIVE_LEAVE if count_collective_leave else PUBLIC_ONLY
    return holidays.country_holidays("ID", categories=categories)


def is_working_day(day: date, calendar: Container[date]) -> bool:
    return day.weekday() < 5 and day not in calendar


def add_working_days(start: date, days: int, calendar: Container[date]) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current, calendar):
            counted += 1
    return current


def is_overdue(due_date: date, today: date) -> bool:
    """Payment may still arrive on the due date itself; the day after, it is late."""
    return today > due_date
