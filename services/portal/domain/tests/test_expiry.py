"""The expiry reminder rules: which threshold is due on which day, once, the most urgent only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.portal.domain.expiry import (
    DEFAULT_THRESHOLDS,
    HeldCertificate,
    certificate_status,
    days_left,
    held_certificate,
    is_expired,
    parse_thresholds,
    reminder_due,
)

UNTIL = date(2031, 12, 20)
T = DEFAULT_THRESHOLDS


def day(left: int) -> date:
    """The day on which ``left`` days of validity remain."""
    return UNTIL - timedelta(days=left)


@pytest.mark.parametrize(("text", "expected"), [
    ("90,30", (90, 30)),
    ("30,90", (90, 30)),
    (" 90 , 30 ", (90, 30)),
    ("60", (60,)),
    ("7,180,30,", (180, 30, 7)),
])
def test_thresholds_parse_most_distant_first(text: str, expected: tuple[int, ...]) -> None:
    assert parse_thresholds(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("", "at least one"),
    (" , ", "at least one"),
    ("90,abc", "'abc' is not a whole number"),
    ("90,-30", "'-30' is not a whole number"),
    ("90,0", "at least 1 day"),
    ("90,30,90", "named twice"),
    ("1.5", "not a whole number"),
])
def test_bad_thresholds_are_refused_with_the_reason(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_thresholds(text)


def test_days_left_and_expiry() -> None:
    assert days_left(UNTIL, day(90)) == 90
    assert days_left(UNTIL, UNTIL) == 0
    assert not is_expired(UNTIL, UNTIL)  # valid through its last day
    assert is_expired(UNTIL, UNTIL + timedelta(days=1))


@pytest.mark.parametrize(("left", "expected"), [
    (400, None), (91, None),
    (90, 90), (89, 90), (31, 90),
    (30, 30), (29, 30), (1, 30), (0, 30),
    (-1, None), (-400, None),
])
def test_nothing_sent_yet_the_most_urgent_due_threshold(left: int, expected: int | None) -> None:
    assert reminder_due(UNTIL, day(left), T, sent=()) == expected


@pytest.mark.parametrize(("left", "expected"), [
    (90, None), (89, None), (31, None),  # the 90-day one is sent once only
    (30, 30), (5, 30),  # then the 30-day one, once it is due
    (-1, None),
])
def test_after_the_90_day_reminder(left: int, expected: int | None) -> None:
    assert reminder_due(UNTIL, day(left), T, sent={90}) == expected


@pytest.mark.parametrize("left", [95, 90, 60, 30, 10, 0, -3])
def test_after_both_nothing_more(left: int) -> None:
    assert reminder_due(UNTIL, day(left), T, sent={90, 30}) is None


@pytest.mark.parametrize("left", [90, 45, 30, 29, 0])
def test_the_90_day_mail_never_follows_the_30_day_one(left: int) -> None:
    # The job was down through the 90-day window and sent the 30-day mail first (or thresholds
    # changed): the 90-day mail is never sent after it.
    assert reminder_due(UNTIL, day(left), T, sent={30}) is None


def test_a_job_down_for_weeks_sends_only_the_most_urgent() -> None:
    # First seen with 12 days left: the 30-day mail, and never the 90-day one afterwards.
    assert reminder_due(UNTIL, day(12), T, sent=()) == 30
    assert reminder_due(UNTIL, day(11), T, sent={30}) is None


def test_other_thresholds_from_the_settings() -> None:
    three = parse_thresholds("180,60,7")
    assert reminder_due(UNTIL, day(181), three, sent=()) is None
    assert reminder_due(UNTIL, day(180), three, sent=()) == 180
    assert reminder_due(UNTIL, day(100), three, sent={180}) is None
    assert reminder_due(UNTIL, day(60), three, sent={180}) == 60
    assert reminder_due(UNTIL, day(7), three, sent={180, 60}) == 7
    assert reminder_due(UNTIL, day(8), three, sent={180, 60}) is None
    # Thresholds changed after a 30-day mail went out: nothing less urgent than it follows.
    assert reminder_due(UNTIL, day(20), three, sent={30}) is None
    assert reminder_due(UNTIL, day(7), three, sent={30}) == 7


def test_the_order_of_the_thresholds_does_not_matter() -> None:
    for left in (120, 90, 50, 30, 3):
        assert reminder_due(UNTIL, day(left), (30, 90), sent=()) == reminder_due(UNTIL, day(left), T, sent=())


CERT = {"skk_number": "SKK-1", "recording_number": "LPJK-1", "issued_on": "2026-12-20",
        "valid_until": "2031-12-20"}


def test_certificate_status_absent_is_active() -> None:
    assert certificate_status(CERT) == "active"
    assert certificate_status(None) == "active"
    assert certificate_status({**CERT, "status": "suspended"}) == "suspended"
    assert certificate_status({**CERT, "status": None}) == "active"


def test_held_certificate() -> None:
    assert held_certificate(CERT) == HeldCertificate(skk_number="SKK-1", valid_until=UNTIL)
    # A suspended certificate can still be renewed once reinstated: the holder is reminded.
    assert held_certificate({**CERT, "status": "suspended"}) is not None
    assert held_certificate({**CERT, "status": "active"}) is not None


@pytest.mark.parametrize("cert", [
    None, {},
    {**CERT, "status": "revoked"},
    {**CERT, "status": "superseded"},
    {k: v for k, v in CERT.items() if k != "valid_until"},
    {k: v for k, v in CERT.items() if k != "skk_number"},
    {**CERT, "skk_number": ""},
    {**CERT, "valid_until": "20-12-2031"},
    {**CERT, "valid_until": 20311220},
])
def test_no_reminder_for_an_ended_or_incomplete_certificate(cert: dict[str, object] | None) -> None:
    assert held_certificate(cert) is None
