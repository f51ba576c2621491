"""What the ownership limits count (issue 11), as tables: every application that is or could
still become an SKK, each SKK once, Belum Kompeten while its appeal window is open; one
application per jabatan kerja; the NIK's account."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.siki.domain.limits import (
    AppealWindow,
    AppealWindowClosed,
    Holding,
    NikBoundToAnotherAccount,
    OwnApplication,
    RegisterEntry,
    application_errors,
    check_binding,
    counted_holdings,
    counts,
    jabatan_kerja_errors,
)
from shared.contracts.states import ApplicationStatus as S
from shared.errors import DEFAULT_STATUSES, status_of

# Independence Day 2026 is a Monday; no other holiday in these weeks (a calendar of our own, so
# that the table does not depend on the package's data).
HOLIDAYS = {date(2026, 8, 17)}
WINDOW = AppealWindow(5, calendar_factory=lambda: HOLIDAYS)
TA = "Teknisi/Analis"


def wib(day: int, hour: int) -> datetime:
    """``hour`` o'clock WIB on 2026-08-``day``, as UTC."""
    return datetime(2026, 8, day, hour, tzinfo=UTC) - timedelta(hours=7)


# (id, decided at, now, open?)
WINDOW_CASES = [
    # Decided Friday 14th: Tue 18, Wed 19, Thu 20, Fri 21, Mon 24 (Monday 17th is a holiday).
    ("last-day-open", wib(14, 10), wib(24, 23), True),
    ("day-after-closed", wib(14, 10), wib(25, 0), False),
    ("same-day-open", wib(14, 10), wib(14, 11), True),
    # 20:00 UTC on the 13th is 03:00 WIB on Friday the 14th: the same window.
    ("wib-date-of-the-decision", datetime(2026, 8, 13, 20, tzinfo=UTC), wib(24, 12), True),
    # Decided Wednesday 12th: 13, 14, 18, 19, 20 (weekend and the holiday skipped).
    ("weekend-and-holiday-skipped", wib(12, 9), wib(20, 17), True),
    ("weekend-and-holiday-skipped-closed", wib(12, 9), wib(21, 8), False),
    ("naive-time-taken-as-utc", datetime(2026, 8, 14, 3), wib(24, 12), True),
]


@pytest.mark.parametrize(("decided", "now", "is_open"), [c[1:] for c in WINDOW_CASES],
                         ids=[c[0] for c in WINDOW_CASES])
def test_appeal_window(decided: datetime, now: datetime, is_open: bool) -> None:
    assert WINDOW.is_open(decided, now) is is_open


def test_the_window_closes_on_the_fifth_working_day_and_zero_days_is_the_same_day() -> None:
    assert WINDOW.closes_on(wib(14, 10)) == date(2026, 8, 24)
    assert AppealWindow(0, calendar_factory=lambda: HOLIDAYS).closes_on(wib(14, 10)) == date(2026, 8, 14)


def test_the_real_calendar_knows_independence_day() -> None:
    assert AppealWindow(1).closes_on(wib(14, 10)) == date(2026, 8, 18)


NOW = wib(20, 12)  # Thursday 20th
JK = Holding(TA, "SI", "SI01", "SI012022")


def app(status: S, *, decided: datetime | None = None, valid_until: date | None = None) -> OwnApplication:
    return OwnApplication("a", status, JK, decided_at=decided, valid_until=valid_until)


# (id, application, counts?)
COUNT_CASES = [
    ("submitted", app(S.SUBMITTED), True),
    ("returned", app(S.RETURNED), True),
    ("assessed", app(S.ASSESSED), True),
    ("skk-numbered", app(S.SKK_NUMBERED), True),
    ("nyc-window-open", app(S.NOT_YET_COMPETENT, decided=wib(14, 10)), True),
    ("nyc-window-closed", app(S.NOT_YET_COMPETENT, decided=wib(5, 10)), False),
    ("nyc-decision-unknown-counts", app(S.NOT_YET_COMPETENT), True),
    ("appealed", app(S.APPEALED), True),
    ("appeal-upheld", app(S.APPEAL_UPHELD), True),
    ("appeal-rejected", app(S.APPEAL_REJECTED), False),
    ("recorded", app(S.RECORDED), True),
    ("certificate-issued", app(S.CERTIFICATE_ISSUED, valid_until=date(2031, 8, 1)), True),
    ("completed-expired", app(S.COMPLETED, valid_until=date(2026, 8, 19)), False),
    ("completed-valid-today", app(S.COMPLETED, valid_until=date(2026, 8, 20)), True),
    ("cancelled", app(S.CANCELLED), False),
    ("withdrawn", app(S.WITHDRAWN), False),
]


@pytest.mark.parametrize(("application", "expected"), [c[1:] for c in COUNT_CASES], ids=[c[0] for c in COUNT_CASES])
def test_counts(application: OwnApplication, expected: bool) -> None:
    assert counts(application, NOW, WINDOW) is expected


def h(jk: str, *, held: bool = False) -> Holding:
    return Holding(TA, jk[:2], jk[:4], jk, held=held)


def own(id_: str, status: S, jk: str, **kw: object) -> OwnApplication:
    return OwnApplication(id_, status, h(jk), **kw)  # type: ignore[arg-type]


def entry(id_: str, jk: str, *, valid: bool = True) -> RegisterEntry:
    return RegisterEntry(id_, h(jk, held=True), valid=valid)


# (id, register, applications, expected holdings)
HOLDING_CASES = [
    ("recorded-before-the-register-event", [], [own("a", S.RECORDED, "SI012022")], [h("SI012022", held=True)]),
    ("recorded-and-in-the-register-once", [entry("a", "SI012022")], [own("a", S.COMPLETED, "SI012022")],
     [h("SI012022", held=True)]),
    ("revoked-in-the-register-not-counted-by-its-state", [entry("a", "SI012022", valid=False)],
     [own("a", S.COMPLETED, "SI012022")], []),
    ("the-one-checked-excluded", [entry("me", "SI012022")], [own("me", S.SUBMITTED, "SI032002")], []),
    ("in-progress-and-nyc-open", [], [own("a", S.FORWARDED, "SI012022"),
                                      own("b", S.NOT_YET_COMPETENT, "SI032002", decided_at=wib(18, 9))],
     [h("SI012022"), h("SI032002")]),
    ("nyc-closed-and-withdrawn-free", [], [own("a", S.NOT_YET_COMPETENT, "SI012022", decided_at=wib(3, 9)),
                                           own("b", S.WITHDRAWN, "SI032002")], []),
]


@pytest.mark.parametrize(("register", "applications", "expected"), [c[1:] for c in HOLDING_CASES],
                         ids=[c[0] for c in HOLDING_CASES])
def test_counted_holdings(register: list[RegisterEntry], applications: list[OwnApplication],
                          expected: list[Holding]) -> None:
    assert counted_holdings(register, applications, exclude="me", now=NOW, window=WINDOW) == expected


def test_four_in_progress_and_a_belum_kompeten_in_its_window_refuse_a_sixth() -> None:
    apps = [own(f"a{i}", S.SUBMITTED, jk) for i, jk in enumerate(["SI012001", "SI012022", "SI032002", "SI152001"])]
    apps.append(own("nyc", S.NOT_YET_COMPETENT, "ME022008", decided_at=wib(19, 9)))
    held = counted_holdings([], apps, exclude="new", now=NOW, window=WINDOW)
    errors = application_errors(held, h("ME032002"))
    assert [e["field"] for e in errors] == ["qualification.kualifikasi"] and "this would be 6" in errors[0]["message"]
    # Its appeal takes no new place: appealed counts the same as the open window did.
    appealed = [*apps[:4], own("nyc", S.APPEALED, "ME022008")]
    assert counted_holdings([], appealed, exclude="new", now=NOW, window=WINDOW) == held


# (id, existing, new, expected field suffix and word; None: allowed)
JABATAN_CASES = [
    ("held-renew", [h("SI012022", held=True)], h("SI012022"), "renew it (perpanjangan)"),
    ("in-progress", [h("SI012022")], h("SI012022"), "already in progress"),
    ("held-and-in-progress-says-renew", [h("SI012022"), h("SI012022", held=True)], h("SI012022"), "renew"),
    ("another-jabatan-allowed", [h("SI012001", held=True)], h("SI012022"), None),
    ("no-jabatan-given-not-checked", [Holding(TA, "SI", "SI01")], Holding(TA, "SI", "SI01"), None),
]


@pytest.mark.parametrize(("existing", "new", "word"), [c[1:] for c in JABATAN_CASES], ids=[c[0] for c in JABATAN_CASES])
def test_one_application_per_jabatan_kerja(existing: list[Holding], new: Holding, word: str | None) -> None:
    errors = jabatan_kerja_errors(existing, new)
    if word is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0]["field"] == "qualification.jabatan_kerja_code"
        assert word in errors[0]["message"] and new.jabatan_kerja_code in errors[0]["message"]


@pytest.mark.parametrize(("bound", "account", "refused"), [
    (None, "u1", False), ("u1", "u1", False), ("u1", "u2", True),
])
def test_nik_binding(bound: str | None, account: str, refused: bool) -> None:
    if not refused:
        check_binding(bound, account)
        return
    with pytest.raises(NikBoundToAnotherAccount) as exc:
        check_binding(bound, account)
    assert exc.value.errors == [{"field": "nik", "message": exc.value.detail}]
    assert "rebind" in exc.value.detail and status_of(exc.value, DEFAULT_STATUSES) == 409


def test_a_closed_appeal_window_is_a_conflict_naming_the_day() -> None:
    exc = AppealWindowClosed(date(2026, 8, 24), 5)
    assert status_of(exc, DEFAULT_STATUSES) == 409
    assert exc.errors[0]["field"] == "filed_at" and exc.extra["appeal_window_closed_on"] == "2026-08-24"
