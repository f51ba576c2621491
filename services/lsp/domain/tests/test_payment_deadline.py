"""The due date as the payment proof's deadline (domain/payment_deadline.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.lsp.domain.payment_deadline import deadline_end, is_proof_late, late_proof_message

WIB = ZoneInfo("Asia/Jakarta")
DUE = date(2026, 12, 10)


def test_the_whole_due_date_counts_in_jakarta() -> None:
    assert not is_proof_late(datetime(2026, 12, 10, 23, 59, 59, tzinfo=WIB), DUE, WIB)
    assert not is_proof_late(datetime(2026, 12, 1, 8, 0, tzinfo=WIB), DUE, WIB)
    assert is_proof_late(datetime(2026, 12, 11, 0, 0, tzinfo=WIB), DUE, WIB)
    # 16:59 UTC is 23:59 WIB on the due date; 17:00 UTC is already the next day in Jakarta.
    assert not is_proof_late(datetime(2026, 12, 10, 16, 59, tzinfo=UTC), DUE, WIB)
    assert is_proof_late(datetime(2026, 12, 10, 17, 0, tzinfo=UTC), DUE, WIB)


def test_naive_time_is_local() -> None:
    assert not is_proof_late(datetime(2026, 12, 10, 23, 0), DUE, WIB)
    assert is_proof_late(datetime(2026, 12, 11, 0, 30), DUE, WIB)


def test_deadline_end() -> None:
    end = deadline_end(DUE, WIB)
    assert end.date() == DUE and end.tzinfo == WIB and (end.hour, end.minute, end.second) == (23, 59, 59)


def test_message_names_the_due_date_and_the_zone() -> None:
    msg = late_proof_message(datetime(2026, 12, 10, 18, 30, tzinfo=UTC), DUE, WIB)
    assert "2026-12-11 01:30 WIB" in msg and "due date 2026-12-10" in msg and "Asia/Jakarta" in msg
    assert "2026-12-11 07:00" in late_proof_message(datetime(2026, 12, 11, 7, 0), DUE, WIB)
