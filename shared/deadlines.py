"""The applicant's two deadlines, as the portal (before calling SIKI) and SIKI (authoritative)
both enforce them: the appeal window after a Belum Kompeten decision, and the invoice's due date
for a proof of payment. Plain Python: the callers hand in the times and the calendar.

Both deadlines are days in Jakarta (WIB): an appeal may be filed until the end of the window's
last day, a proof uploaded until the end of the due date (the LSP's periodic sweep, which
cancels an unpaid application, stays the backstop).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.calendar import add_working_days
from shared.exceptions import Conflict

WIB = ZoneInfo("Asia/Jakarta")


def wib(at: datetime) -> datetime:
    """``at`` in Jakarta time (a naive time is taken as UTC, as the databases store it)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(WIB)


def appeal_last_day(decided_at: datetime, working_days: int, calendar: Container[date]) -> date:
    """The last day (WIB) on which an appeal may be filed: ``working_days`` Indonesian working
    days after the decision's day (the decision's own day not counted)."""
    return add_working_days(wib(decided_at).date(), working_days, calendar)


def appeal_open(decided_at: datetime, now: datetime, working_days: int, calendar: Container[date]) -> bool:
    return wib(now).date() <= appeal_last_day(decided_at, working_days, calendar)


def payment_deadline(due_date: date) -> datetime:
    """The end of the due date in Jakarta: the first instant a proof is late."""
    return datetime.combine(due_date + timedelta(days=1), time(0), tzinfo=WIB)


def payment_late(due_date: date, now: datetime) -> bool:
    return wib(now) >= payment_deadline(due_date)


class AppealWindowClosed(Conflict):
    """An appeal after the window: refused, nothing changes. Names the window's last day."""

    def __init__(self, last_day: date, working_days: int, field: str = "filed_at") -> None:
        message = (f"the appeal window closed on {last_day.isoformat()} ({working_days} working days after "
                   "the Belum Kompeten decision); batas waktu banding telah lewat")
        super().__init__(message, errors=[{"field": field, "message": message}],
                         appeal_window_closed_on=last_day.isoformat())


class PaymentOverdue(Conflict):
    """A proof of payment after the invoice's due date: refused, nothing stored."""

    def __init__(self, due_date: date, field: str = "invoice.due_date") -> None:
        message = (f"the invoice was due on {due_date.isoformat()} (until the end of that day, WIB); a payment "
                   "proof can no longer be accepted; tagihan telah jatuh tempo")
        super().__init__(message, errors=[{"field": field, "message": message}], due_date=due_date.isoformat())
