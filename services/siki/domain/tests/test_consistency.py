from __future__ import annotations

from datetime import date

from services.siki.domain.consistency import date_errors

TODAY = date(2026, 11, 29)


def test_ordered_past_dates_pass() -> None:
    sections = {
        "personal": {"birth_date": "1990-01-17"},
        "experience": {"items": [{"start_date": "2015-01-01", "end_date": "2020-12-31"}]},
        "certificates": {"items": [{"start_date": "2024-01-01", "end_date": "2029-01-01"}]},
    }
    assert date_errors(sections, TODAY) == []


def test_each_problem_is_named() -> None:
    sections = {
        "personal": {"birth_date": "2030-01-01"},
        "experience": {"items": [{"start_date": "2020-01-01", "end_date": "2019-01-01"},
                                 {"start_date": "2020-01-01", "end_date": "2027-01-01"}]},
        "training": {"items": [{"start_date": "not a date", "end_date": "2020-01-02"}]},
    }
    fields = sorted(e["field"] for e in date_errors(sections, TODAY))
    assert fields == ["experience.items.0.end_date", "experience.items.1.end_date",
                      "personal.birth_date", "training.items.0.start_date"]
