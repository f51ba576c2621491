"""Indonesian formats for pages: dates ("3 Desember 2026"), times in Jakarta ("3 Desember 2026,
14.30 WIB"), money ("Rp 1.500.000") and the working days left until a due date."""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from shared.calendar import is_working_day

WIB = ZoneInfo("Asia/Jakarta")
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember")


def _parse(value: object) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):  # datetime is a date too
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text or " " in text \
            else date.fromisoformat(text)
    except ValueError:
        return None


def jakarta(at: datetime) -> datetime:
    """``at`` in Jakarta time; a naive time is taken as UTC (as the databases store it)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(WIB)


def tanggal(value: object) -> str:
    """A date (or a datetime, taken in Jakarta, or an ISO string) as "3 Desember 2026"; "" for none."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    day = jakarta(parsed).date() if isinstance(parsed, datetime) else parsed
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def waktu(value: object) -> str:
    """A datetime (or ISO string) as "3 Desember 2026, 14.30 WIB" in Jakarta time; a plain date
    as :func:`tanggal`."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    if not isinstance(parsed, datetime):
        return tanggal(parsed)
    local = jakarta(parsed)
    return f"{tanggal(local.date())}, {local.hour:02d}.{local.minute:02d} WIB"


def rupiah(value: object) -> str:
    """An amount as "Rp 1.500.000" (thousands by dots; sen, if any, after a comma)."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal("0.01"))
    whole, _, cents = f"{amount:f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    tail = f",{cents}" if cents.strip("0") else ""
    return f"{sign}Rp {groups}{tail}"


def sisa_hari_kerja(due: date, today: date, calendar: Container[date]) -> int:
    """Working days from tomorrow up to and including ``due`` (0 on the due date itself; negative,
    counting working days, once it has passed)."""
    if due >= today:
        return sum(1 for n in range(1, (due - today).days + 1)
                   if is_working_day(today + timedelta(days=n), calendar))
    return -sum(1 for n in range(0, (today - due).days)
                if is_working_day(today - timedelta(days=n), calendar))


def today_jakarta(now: datetime | None = None) -> date:
    return jakarta(now or datetime.now(UTC)).date()
