"""The certificate status rules of the register (issue 16), for every status: what counts as
held, what is valid, what may be renewed, which change applies; and how the register's entries
count towards the limits with their application."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.siki.domain.limits import (
    AppealWindow,
    Holding,
    OwnApplication,
    RegisterEntry,
    can_renew,
    counted_holdings,
    counts_as_held,
    is_valid,
    jabatan_kerja_errors,
    status_change_applies,
)
from shared.contracts.states import ApplicationStatus, CertificateStatus

C = CertificateStatus
TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
STORED = [C.ACTIVE, C.SUSPENDED, C.REVOKED, C.SUPERSEDED]  # what an event may set (never expired)


@pytest.mark.parametrize(("status", "held", "valid", "renewable"), [
    (C.ACTIVE, True, True, True),
    (C.SUSPENDED, True, False, True),  # a suspension is temporary: still held, renewable
    (C.REVOKED, False, False, False),
    (C.SUPERSEDED, False, False, False),  # its successor counts and is the one to renew
])
def test_each_status_before_expiry(status: C, held: bool, valid: bool, renewable: bool) -> None:
    for valid_until in (TODAY, TODAY + timedelta(days=1)):  # the last day still counts
        assert counts_as_held(status, valid_until, TODAY) is held
        assert is_valid(status, valid_until, TODAY) is valid
    assert can_renew(status) is renewable


@pytest.mark.parametrize("status", STORED)
def test_nothing_expired_counts_or_is_valid(status: C) -> None:
    yesterday = TODAY - timedelta(days=1)
    assert counts_as_held(status, yesterday, TODAY) is False
    assert is_valid(status, yesterday, TODAY) is False


def test_an_expired_certificate_can_be_renewed_unless_revoked_or_superseded() -> None:
    # Renewal is open after expiry too (its window is the renewal's rule, not the status's).
    assert [s for s in C if can_renew(s)] == [C.ACTIVE, C.SUSPENDED, C.EXPIRED]


@pytest.mark.parametrize(("last", "seq", "applies"), [
    (0, 1, True), (1, 2, True), (1, 3, True),  # a gap still applies: the newest wins
    (1, 1, False), (2, 1, False), (5, 4, False),  # a redelivered or late change does not
])
def test_only_a_newer_change_applies(last: int, seq: int, applies: bool) -> None:
    assert status_change_applies(last, seq) is applies


def _entry(app_id: str, jk: str, status: C, valid_until: date = TODAY) -> RegisterEntry:
    return RegisterEntry(app_id, Holding("Ahli", "SI", "SI01", jk, held=True),
                         valid=counts_as_held(status, valid_until, TODAY))


def _recorded(app_id: str, jk: str) -> OwnApplication:
    return OwnApplication(app_id, ApplicationStatus.CERTIFICATE_ISSUED, Holding("Ahli", "SI", "SI01", jk),
                          valid_until=TODAY + timedelta(days=365))


def _count(register: list[RegisterEntry], apps: list[OwnApplication]) -> list[Holding]:
    return counted_holdings(register, apps, exclude="new", now=NOW, window=AppealWindow(calendar_factory=set))


@pytest.mark.parametrize(("status", "counted"), [(C.ACTIVE, 1), (C.SUSPENDED, 1), (C.REVOKED, 0),
                                                 (C.SUPERSEDED, 0)])
def test_a_register_entry_and_its_application_count_once_or_not_at_all(status: C, counted: int) -> None:
    # The application of a revoked SKK does not count in its place either.
    held = _count([_entry("a1", "JK1", status)], [_recorded("a1", "JK1")])
    assert len(held) == counted


def test_a_superseded_skk_is_replaced_by_its_successor_not_counted_twice() -> None:
    old = _entry("a1", "JK1", C.SUPERSEDED)
    # The successor's application, recorded before its own register entry arrives: counts once.
    assert len(_count([old], [_recorded("a1", "JK1"), _recorded("renewal", "JK1")])) == 1
    # And once its entry is in the register: still once.
    new = _entry("renewal", "JK1", C.ACTIVE)
    held = _count([old, new], [_recorded("a1", "JK1"), _recorded("renewal", "JK1")])
    assert len(held) == 1


@pytest.mark.parametrize(("status", "blocks"), [(C.ACTIVE, True), (C.SUSPENDED, True), (C.REVOKED, False),
                                                (C.SUPERSEDED, False)])
def test_only_a_held_skk_blocks_a_new_application_for_its_jabatan_kerja(status: C, blocks: bool) -> None:
    held = _count([_entry("a1", "JK1", status)], [_recorded("a1", "JK1")])
    errors = jabatan_kerja_errors(held, Holding("Ahli", "SI", "SI01", "JK1"))
    assert bool(errors) is blocks
    if blocks:
        assert "perpanjangan" in errors[0]["message"]
