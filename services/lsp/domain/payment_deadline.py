"""The invoice's due date as a deadline for the payment proof (issue 13, "Deadline").

Payment may arrive until the end of the due date where the LSP is (Asia/Jakarta by default):
a proof uploaded later is refused on arrival, with the due date named, rather than left for the
deadline sweep to catch. A proof is judged by when the applicant uploaded it, not by when SIKI
delivered it: a delivery delayed by an outage does not make an applicant late.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def deadline_end(due_date: date, tz: ZoneInfo) -> datetime:
    """The last moment a proof counts: 23:59:59.999999 on the due date, in the LSP's zone."""
    return datetime.combine(due_date, time.max, tzinfo=tz)


def is_proof_late(uploaded_at: datetime, due_date: date, tz: ZoneInfo) -> bool:
    """Uploaded after the end of the due date (a naive time is taken as the LSP's local time)."""
    if uploaded_at.tzinfo is None:
        uploaded_at = uploaded_at.replace(tzinfo=tz)
    return uploaded_at.astimezone(tz).date() > due_date


def late_proof_message(uploaded_at: datetime, due_date: date, tz: ZoneInfo) -> str:
    """For the problem SIKI receives (and shows its operators): when, and the due date."""
    local = (uploaded_at if uploaded_at.tzinfo else uploaded_at.replace(tzinfo=tz)).astimezone(tz)
    return (f"payment proof refused: uploaded {local:%Y-%m-%d %H:%M} {local.tzname() or tz.key}, after the "
            f"invoice's due date {due_date.isoformat()} (payment closes at the end of that day, {tz.key})")
