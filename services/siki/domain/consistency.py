"""Consistency of the submitted sections that SIKI re-checks (SPEC section 3): dates ordered
and not in the future. The qualification and the NIK are checked with shared.reference."""

from __future__ import annotations

from datetime import date
from typing import Any

# Section -> (start field, end field, whether the end may lie in the future).
_PERIODS: dict[str, tuple[str, str, bool]] = {
    "experience": ("start_date", "end_date", False),
    "training": ("start_date", "end_date", False),
    "case_studies": ("start_date", "end_date", False),
    # A certificate's end date is its expiry, which is naturally in the future.
    "certificates": ("start_date", "end_date", True),
}


def parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date_errors(sections: dict[str, Any], today: date) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    personal = sections.get("personal") or {}
    if isinstance(personal, dict) and personal.get("birth_date") is not None:
        born = parse_date(personal.get("birth_date"))
        if born is None:
            errors.append({"field": "personal.birth_date", "message": "not an ISO 8601 date"})
        elif born > today:
            errors.append({"field": "personal.birth_date", "message": "lies in the future"})
    for section, (start_f, end_f, end_may_be_future) in _PERIODS.items():
        body = sections.get(section) or {}
        items = body.get("items", []) if isinstance(body, dict) else []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            where = f"{section}.items.{i}."
            start, end = parse_date(item.get(start_f)), parse_date(item.get(end_f))
            if item.get(start_f) is not None and start is None:
                errors.append({"field": where + start_f, "message": "not an ISO 8601 date"})
            if item.get(end_f) is not None and end is None:
                errors.append({"field": where + end_f, "message": "not an ISO 8601 date"})
            if start is not None and start > today:
                errors.append({"field": where + start_f, "message": "lies in the future"})
            if end is not None and not end_may_be_future and end > today:
                errors.append({"field": where + end_f, "message": "lies in the future"})
            if start is not None and end is not None and end < start:
                errors.append({"field": where + end_f, "message": f"{end_f} is before {start_f}"})
    return errors
