"""The rules of a renewal (perpanjangan) and a change (perubahan) of a held SKK, as tables: the
renewal window (calendar months, the day clamped), the held SKK's status, the scheme, the kind's
own fields; which register row an SKK number stands for; the flow's edge for a change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.siki.domain.flow import TransitionRefused, allowed_next, check_transition, plan_report
from services.siki.domain.kinds import HeldSkk, current_row, kind_errors, months_before, renewal_opens_on
from shared.contracts.states import ApplicationStatus as S
from shared.contracts.states import CertificateStatus as C

HELD = HeldSkk(recording_number="LPJK-1", skk_number="SKK-1", registration_number="REG-1",
               issued_on=date(2022, 9, 1), valid_until=date(2027, 8, 31), klasifikasi_code="SI",
               subklasifikasi_code="SI01", kualifikasi="Teknisi/Analis", jabatan_kerja_code="SI012022", jenjang=4,
               status=C.ACTIVE)


def errors(kind: str, *, held: HeldSkk | None = HELD, today: date = date(2027, 3, 1), number: str | None = "SKK-1",
           changed: list[str] | None = None, jk: str = "SI012022", jenjang: int = 4) -> list[tuple[str, str]]:
    if changed is None:
        changed = ["full_name"] if kind == "perubahan" else []
    found = kind_errors(kind=kind, previous_skk_number=number, held=held, jabatan_kerja_code=jk, jenjang=jenjang,
                        changed_fields=changed, today=today)
    return [(e["field"], e["message"]) for e in found]


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2027, 8, 31), 6, date(2027, 2, 28)),  # clamped to February's last day
    (date(2028, 8, 31), 6, date(2028, 2, 29)),  # a leap year
    (date(2027, 3, 15), 6, date(2026, 9, 15)),  # across a year
    (date(2027, 1, 31), 1, date(2026, 12, 31)),
    (date(2027, 6, 30), 0, date(2027, 6, 30)),
])
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@pytest.mark.parametrize(("today", "ok"), [
    (date(2027, 2, 27), False),  # the day before the window opens
    (date(2027, 2, 28), True),  # it opens 6 months before 2027-08-31
    (date(2027, 8, 31), True),
    (date(2030, 1, 1), True),  # any time after expiry
])
def test_renewal_window(today: date, ok: bool) -> None:
    assert renewal_opens_on(HELD.valid_until) == date(2027, 2, 28)
    found = errors("perpanjangan", today=today)
    assert (found == []) is ok
    if not ok:
        assert found == [("previous_skk_number", found[0][1])] and "2027-02-28" in found[0][1]


@pytest.mark.parametrize(("kind", "status", "today", "ok"), [
    ("perpanjangan", C.ACTIVE, date(2027, 3, 1), True),
    ("perpanjangan", C.SUSPENDED, date(2027, 3, 1), True),  # can_renew: the renewal's assessment decides
    ("perpanjangan", C.REVOKED, date(2027, 3, 1), False),
    ("perpanjangan", C.SUPERSEDED, date(2027, 3, 1), False),
    ("perubahan", C.ACTIVE, date(2025, 1, 1), True),  # a change has no window
    ("perubahan", C.SUSPENDED, date(2025, 1, 1), False),  # would lift the suspension
    ("perubahan", C.REVOKED, date(2025, 1, 1), False),
    ("perubahan", C.SUPERSEDED, date(2025, 1, 1), False),
    ("perubahan", C.ACTIVE, date(2027, 9, 1), False),  # expired: renew instead
])
def test_held_status(kind: str, status: C, today: date, ok: bool) -> None:
    found = errors(kind, held=replace(HELD, status=status), today=today)
    assert (found == []) is ok, found
    assert all(field == "previous_skk_number" for field, _ in found)


@pytest.mark.parametrize("kind", ["perpanjangan", "perubahan"])
def test_previous_skk_number_required_and_registered(kind: str) -> None:
    assert [f for f, _ in errors(kind, number=None, held=None)] == ["previous_skk_number"]
    (field, message), = errors(kind, number="SKK-9", held=None)
    # The same answer for an unknown number and another person's: nothing about others is told.
    assert field == "previous_skk_number" and message == "SKK SKK-9 tidak terdaftar atas NIK pemohon"


@pytest.mark.parametrize("kind", ["perpanjangan", "perubahan"])
def test_scheme_must_match(kind: str) -> None:
    assert [f for f, _ in errors(kind, jk="SI012001", jenjang=5)] == ["jabatan_kerja_code", "jenjang"]


def test_kind_fields() -> None:
    assert [f for f, _ in errors("perubahan", changed=[])] == ["changed_fields"]
    assert [f for f, _ in errors("perpanjangan", changed=["full_name"])] == ["changed_fields"]
    assert [f for f, _ in errors("baru", held=None, changed=["full_name"])] == ["previous_skk_number",
                                                                                 "changed_fields"]
    assert errors("baru", held=None, number=None) == []


def test_current_row_after_a_change() -> None:
    old = replace(HELD, status=C.SUPERSEDED)
    new = replace(HELD, recording_number="LPJK-2", issued_on=date(2025, 5, 1))
    assert current_row([old, new]) == new
    assert current_row([new, old]) == new
    # Renewed under a new number: every row of the old number is superseded; the newest answers.
    older = replace(old, recording_number="LPJK-0", issued_on=date(2020, 1, 1))
    assert current_row([older, old]) == old
    assert current_row([]) is None


def test_accepted_to_competent_only_for_a_change() -> None:
    assert plan_report(S.ACCEPTED, S.COMPETENT, "perubahan").target == S.COMPETENT
    assert allowed_next(S.ACCEPTED, "perubahan") == ["competent", "withdrawn"]
    for kind in ("baru", "perpanjangan"):
        assert allowed_next(S.ACCEPTED, kind) == ["invoiced", "withdrawn"]
        with pytest.raises(TransitionRefused, match="only a change"):
            plan_report(S.ACCEPTED, S.COMPETENT, kind)
        assert plan_report(S.ACCEPTED, S.INVOICED, kind).target == S.INVOICED
    with pytest.raises(TransitionRefused, match="no invoice and no assessment"):
        plan_report(S.ACCEPTED, S.INVOICED, "perubahan")
    with pytest.raises(TransitionRefused):
        check_transition(S.ACCEPTED, S.COMPETENT)
    # The rest of the machine is the same for every kind.
    assert plan_report(S.COMPETENT, S.SKK_NUMBERED, "perubahan").target == S.SKK_NUMBERED
    assert plan_report(S.ASSESSED, S.COMPETENT, "perpanjangan").target == S.COMPETENT
