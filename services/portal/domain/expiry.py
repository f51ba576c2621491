"""Expiry reminders: which reminder a certificate is due on a given day (WIB).

An SKK is valid for 5 years (PP 5/2021 Ps 101-102); the holder is emailed some days before it
ends (``SKK_EXPIRY_REMINDER_DAYS``, default 90 and 30) so that the renewal (perpanjangan) starts
in time. Each threshold is sent at most once per certificate. The daily job may have been down,
so a threshold already passed still sends, as long as the certificate has not expired; but only
the most urgent threshold due is ever sent: once the 30-day one is due, the 90-day one (never
sent) is skipped rather than arriving after it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# The LPJK certificate statuses that end the certificate: no renewal is offered for them.
ENDED_STATUSES = frozenset({"revoked", "superseded"})
DEFAULT_THRESHOLDS = (90, 30)


def parse_thresholds(text: str) -> tuple[int, ...]:
    """``"90,30"`` -> ``(90, 30)``: distinct whole days >= 1, most distant first. Raises
    ``ValueError`` naming what is wrong (the settings turn it into a start-up error)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("at least one number of days is needed, e.g. 90,30")
    days: list[int] = []
    for part in parts:
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a whole number of days")
        value = int(part)
        if value < 1:
            raise ValueError(f"{value} days: a reminder is sent at least 1 day before expiry")
        if value in days:
            raise ValueError(f"{value} days is named twice")
        days.append(value)
    return tuple(sorted(days, reverse=True))


def days_left(valid_until: date, today: date) -> int:
    """Days from ``today`` to the last day of validity (0: it is valid today, its last day)."""
    return (valid_until - today).days


def is_expired(valid_until: date, today: date) -> bool:
    """Valid through ``valid_until`` itself; expired from the day after."""
    return today > valid_until


def reminder_due(valid_until: date, today: date, thresholds: Sequence[int], sent: Collection[int]) -> int | None:
    """The threshold (days) whose reminder should be sent ``today``, or None.

    Due: every threshold ``t`` with ``days_left <= t``; of those only the most urgent (the
    smallest) counts. None when the certificate has expired, nothing is due yet, the most
    urgent one was sent already, or a more urgent one than it was sent (thresholds changed in
    the settings since: never a less urgent mail after a more urgent one)."""
    if is_expired(valid_until, today):
        return None
    left = days_left(valid_until, today)
    due = [t for t in thresholds if left <= t]
    if not due:
        return None
    urgent = min(due)
    if any(s <= urgent for s in sent):
        return None
    return urgent


def certificate_status(certificate: Mapping[str, Any] | None) -> str:
    """The LPJK status the portal keeps in the application's certificate (absent: active)."""
    status = (certificate or {}).get("status", "active")
    return status if isinstance(status, str) else "active"


@dataclass(frozen=True)
class HeldCertificate:
    """What the reminder needs of an issued certificate kept in an application."""

    skk_number: str
    valid_until: date


def held_certificate(certificate: Mapping[str, Any] | None) -> HeldCertificate | None:
    """The certificate a reminder may be about: issued (an SKK number and a validity end), and
    not revoked or superseded. None otherwise (including a malformed date, which is skipped
    rather than stopping the sweep)."""
    if not certificate or certificate_status(certificate) in ENDED_STATUSES:
        return None
    skk, until = certificate.get("skk_number"), certificate.get("valid_until")
    if not isinstance(skk, str) or not skk or not isinstance(until, str):
        return None
    try:
        valid_until = date.fromisoformat(until)
    except ValueError:
        return None
    return HeldCertificate(skk_number=skk, valid_until=valid_until)
