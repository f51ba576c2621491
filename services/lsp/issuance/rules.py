"""Dates and wording of the e-certificate (plain Python, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember")


def local_date(at: datetime, tz: str) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(tz)).date()


def add_years(d: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def valid_until(issued_on: date, years: int) -> date:
    """Valid through the day before the anniversary: 5 years from 1 March 2026 end on
    28 February 2031."""
    end = add_years(issued_on, years)
    return date.fromordinal(end.toordinal() - 1)


def certificate_valid_until(issued_on: date, years: int, *, application_kind: str = "baru",
                            previous_valid_until: date | None = None) -> date:
    """A new SKK and a renewal run ``years`` from issue; a change (perubahan) corrects the holder's
    data on the held SKK and keeps its validity end (SPEC section 8)."""
    if application_kind == "perubahan":
        if previous_valid_until is None:
            raise ValueError("a change keeps the held certificate's valid_until, which is unknown")
        return previous_valid_until
    return valid_until(issued_on, years)


def keterangan(application_kind: str, *, previous_skk_number: str | None, replaces: str | None) -> str | None:
    """The certificate's line naming the certificate it follows: a renewal names the held SKK, a
    change the recording it replaces (the SKK number stays the same)."""
    if application_kind == "perpanjangan" and previous_skk_number:
        return f"Perpanjangan dari SKK {previous_skk_number}"
    if application_kind == "perubahan" and replaces:
        return f"Perubahan data; menggantikan sertifikat {replaces}"
    return None


def tanggal(d: date) -> str:
    """``29 November 2026``: a date as written in Bahasa Indonesia."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"
