"""A renewal or a change of a held SKK is that SKK, never one more, for the ownership limits:
while in progress (the held SKK counts for it), once recorded (its own SKK counts, the replaced
one no more, even before LPJK's ``superseded`` arrives), and when it is the application checked."""

from __future__ import annotations

from datetime import UTC, datetime

from services.siki.domain.limits import (
    AppealWindow,
    Holding,
    OwnApplication,
    RegisterEntry,
    application_errors,
    counted_holdings,
)
from shared.contracts.states import ApplicationStatus as S

NOW = datetime(2027, 3, 1, 3, tzinfo=UTC)
WINDOW = AppealWindow(5, calendar_factory=lambda: set())
TA = "Teknisi/Analis"
JK = ["SI012001", "SI012022", "SI032002", "SI152001", "ME022008"]


def holding(i: int) -> Holding:
    return Holding(TA, JK[i][:2], JK[i][:4], JK[i], held=True)


def entry(i: int, *, valid: bool = True) -> RegisterEntry:
    return RegisterEntry(f"app-{i}", holding(i), valid=valid, recording_number=f"LPJK-{i}")


def renewal(i: int, status: S, *, app_id: str = "renewal") -> OwnApplication:
    return OwnApplication(app_id, status, holding(i), replaces=f"LPJK-{i}")


FIVE = [entry(i) for i in range(5)]


def count(register: list[RegisterEntry], apps: list[OwnApplication], *, exclude: str = "new",
          replacing: str | None = None) -> list[Holding]:
    return counted_holdings(register, apps, exclude=exclude, now=NOW, window=WINDOW, replacing=replacing)


def test_in_progress_renewal_is_the_held_skk() -> None:
    for status in (S.SUBMITTED, S.ACCEPTED, S.SCHEDULED, S.SKK_NUMBERED):
        assert len(count(FIVE, [renewal(0, status)])) == 5


def test_in_progress_renewal_of_an_expired_skk_counts_itself() -> None:
    register = [entry(0, valid=False), *FIVE[1:]]
    assert len(count(register, [renewal(0, S.ACCEPTED)])) == 5


def test_recorded_renewal_replaces_the_held_one_before_superseded_arrives() -> None:
    # SIKI's states say recorded, the register has not the new SKK yet, the old one still active.
    assert len(count(FIVE, [renewal(0, S.RECORDED)])) == 5
    # The new SKK in the register too, the old one not yet superseded.
    new = RegisterEntry("renewal", holding(0), valid=True, recording_number="LPJK-new")
    assert len(count([*FIVE, new], [renewal(0, S.COMPLETED)])) == 5
    # LPJK's superseded reached the register: the old one counts no more anyway.
    assert len(count([entry(0, valid=False), *FIVE[1:], new], [renewal(0, S.COMPLETED)])) == 5


def test_ended_renewal_counts_nothing() -> None:
    for status in (S.WITHDRAWN, S.CANCELLED):
        assert len(count(FIVE, [renewal(0, status)])) == 5


def test_checked_renewal_takes_the_place_of_the_held_one() -> None:
    held = count(FIVE, [], replacing="LPJK-2")
    assert len(held) == 4
    assert application_errors(held, holding(2)) == []  # neither a sixth SKK nor a second jabatan kerja
    # A second renewal, of another SKK, while the first is in progress: still five.
    held = count(FIVE, [renewal(0, S.INVOICED, app_id="first")], replacing="LPJK-2")
    assert application_errors(held, holding(2)) == []
    # The re-check of the renewal itself (excluded, replacing its held SKK) is the same.
    held = count(FIVE, [renewal(2, S.ACCEPTED)], exclude="renewal", replacing="LPJK-2")
    assert application_errors(held, holding(2)) == []


def test_a_baru_beside_a_renewal_still_hits_the_limit() -> None:
    four = FIVE[:4]
    # Four held, one of them being renewed: a fifth SKK is fine, a sixth is not.
    assert application_errors(count(four, [renewal(0, S.ACCEPTED)]), holding(4)) == []
    held = count(FIVE, [renewal(0, S.ACCEPTED)])
    sixth = Holding(TA, "ME", "ME03", "ME032002")
    assert [e["field"] for e in application_errors(held, sixth)] == ["qualification.kualifikasi"]
