"""The applicant's deadlines (shared/deadlines.py): the appeal window in Indonesian working days
and the invoice's due date, both days in Jakarta."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.calendar import indonesian_holidays
from shared.deadlines import AppealWindowClosed, PaymentOverdue, appeal_last_day, appeal_open, payment_late, wib


def test_appeal_window_counts_indonesian_working_days() -> None:
    # REFERENCE "Working days": 7 working days after 2025-03-27 (Lebaran and its collective leave).
    decided = datetime(2025, 3, 27, 3, 0, tzinfo=UTC)  # 10:00 WIB
    assert appeal_last_day(decided, 7, indonesian_holidays(False)) == date(2025, 4, 9)
    assert appeal_last_day(decided, 7, indonesian_holidays(True)) == date(2025, 4, 16)


def test_appeal_window_weekends_and_the_decisions_own_day() -> None:
    friday = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)
    assert appeal_last_day(friday, 5, frozenset()) == date(2026, 11, 13)
    assert appeal_last_day(friday, 0, frozenset()) == date(2026, 11, 6)


def test_appeal_window_days_are_jakartas() -> None:
    # 18:00 UTC on Thursday is already Friday in Jakarta: the window starts counting from Friday.
    late_thursday = datetime(2026, 11, 5, 18, 0, tzinfo=UTC)
    assert appeal_last_day(late_thursday, 1, frozenset()) == date(2026, 11, 9)
    last = datetime(2026, 11, 9, 16, 59, tzinfo=UTC)  # 23:59 WIB on the last day
    assert appeal_open(late_thursday, last, 1, frozenset())
    assert not appeal_open(late_thursday, last + timedelta(minutes=1), 1, frozenset())


def test_a_naive_time_is_utc() -> None:
    assert wib(datetime(2026, 1, 1, 17, 0)).date() == date(2026, 1, 2)


def test_payment_is_late_after_the_end_of_the_due_date_in_jakarta() -> None:
    due = date(2026, 12, 10)
    assert not payment_late(due, datetime(2026, 12, 10, 16, 59, 59, tzinfo=UTC))  # 23:59:59 WIB
    assert payment_late(due, datetime(2026, 12, 10, 17, 0, tzinfo=UTC))  # 00:00 WIB the next day
    assert not payment_late(due, datetime(2026, 12, 1, tzinfo=UTC))


def test_the_errors_name_the_day() -> None:
    closed = AppealWindowClosed(date(2026, 11, 13), 5)
    assert "2026-11-13" in closed.detail and closed.errors[0]["field"] == "filed_at"
    assert closed.extra["appeal_window_closed_on"] == "2026-11-13"
    overdue = PaymentOverdue(date(2026, 12, 10))
    assert "2026-12-10" in overdue.detail and overdue.errors[0]["field"] == "invoice.due_date"
    assert overdue.extra["due_date"] == "2026-12-10"
