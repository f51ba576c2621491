"""Working days in Indonesia: weekends, public holidays and (by default) collective leave
(cuti bersama) do not count. The calendar comes from the ``holidays`` package. Used by the LSP
(invoice due dates) and SIKI (the appeal window counted by the ownership limits)."""

from __future__ import annotations

import importlib.util
from collections.abc import Container
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import holidays

PUBLIC_ONLY = ("public",)
WITH_COLLECTIVE_LEAVE = ("public", "government")

_INDONESIA: Any = None


def _indonesia_class() -> Any:
    """The package's Indonesia calendar class, loaded by itself: ``holidays.country_holidays``
    imports the module of every country (some 300 modules, about 8 MiB) to find one."""
    global _INDONESIA
    if _INDONESIA is None:
        import holidays

        try:
            path = Path(holidays.__file__).parent / "countries" / "indonesia.py"
            spec = importlib.util.spec_from_file_location("holidays.countries.indonesia", path)
            if spec is None or spec.loader is None:
                raise ImportError(str(path))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            _INDONESIA = module.Indonesia
        except Exception:  # another layout of the package: the ordinary way
            _INDONESIA = type(holidays.country_holidays("ID"))
    return _INDONESIA


def indonesian_holidays(count_collective_leave: bool = True) -> holidays.HolidayBase:
    categories = WITH_COLLECTIVE_LEAVE if count_collective_leave else PUBLIC_ONLY
    return _indonesia_class()(categories=categories)  # type: ignore[no-any-return]


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
