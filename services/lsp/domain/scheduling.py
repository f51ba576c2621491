"""Assessment scheduling rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Booking:
    assessor_username: str
    day: date
    active: bool


def assessment_day(scheduled_at: datetime, tz: ZoneInfo) -> date:
    """The calendar day of an assessment where it takes place (a naive time is local)."""
    if scheduled_at.tzinfo is None:
        scheduled_at = scheduled_at.replace(tzinfo=tz)
    return scheduled_at.astimezone(tz).date()


def busy_key(assessor_username: str, day: date) -> str:
    """Unique while the assessment is active: the database refuses a second booking too."""
    return f"{assessor_username}|{day.isoformat()}"


def is_double_booked(assessor_username: str, day: date, bookings: Iterable[Booking]) -> bool:
    """An assessor cannot have two active assessments on the same calendar day."""
    return any(b.active and b.assessor_username == assessor_username and b.day == day for b in bookings)


def assessor_problems(
    *,
    assessor_username: str,
    assessor_roles: Iterable[str] | None,
    previous_assessors: Iterable[str],
    after_upheld_appeal: bool,
) -> list[dict[str, str]]:
    """Why this assessor cannot take this assessment (field errors), or nothing."""
    field = "assessor_username"
    if assessor_roles is None:
        return [{"field": field, "message": f"no staff account {assessor_username!r}"}]
    if "asesor" not in set(assessor_roles):
        return [{"field": field, "message": f"{assessor_username!r} does not have the role 'asesor'"}]
    if after_upheld_appeal and assessor_username in set(previous_assessors):
        return [{"field": field,
                 "message": "after an upheld appeal the new assessment needs an assessor who has not "
                            "assessed this application before"}]
    return []
