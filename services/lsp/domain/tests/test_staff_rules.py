"""Rules of staff accounts (domain/staff.py): names, numbers, roles, passwords, activation links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.lsp.domain import staff as rules


def test_a_valid_asesor_is_cleaned() -> None:
    details, errors = rules.new_staff(username=" Asesor.Satu ", full_name="  Ir.  Dewi Lestari, S.T. ",
                                      email=" Dewi@LSP.id ", roles=["komite", "asesor", "asesor"],
                                      asesor_registration_number=" met.000.001234   2019 ")
    assert errors == []
    assert details == rules.StaffDetails("asesor.satu", "Ir. Dewi Lestari, S.T.", "dewi@lsp.id", ["asesor", "komite"],
                                         "MET.000.001234 2019")


@pytest.mark.parametrize("number", ["No. Reg. 000.001234/ASKOM/2020", "MET.000.001234 2019", "123"])
def test_registration_numbers_are_taken_leniently(number: str) -> None:
    assert rules.registration_number_error(rules.clean_registration_number(number)) is None


@pytest.mark.parametrize("number", ["MET\t000", "MET.000\u2028123", "ab", "tanpa angka", "MET;DROP 1", "x" * 70])
def test_registration_numbers_that_break_a_line_or_hold_no_number_are_refused(number: str) -> None:
    problem = rules.registration_number_error(rules.clean_registration_number(number))
    assert problem is not None and problem["field"] == "asesor_registration_number"


def test_every_broken_rule_is_named() -> None:
    _, errors = rules.new_staff(username="x", full_name="\u202e", email="nope", roles=["root"],
                                asesor_registration_number=None)
    assert {e["field"] for e in errors} == {"username", "full_name", "email", "roles"}
    _, errors = rules.new_staff(username="asesor3", full_name="Budi", email="b@x.id", roles=["asesor"],
                                asesor_registration_number=None)
    assert [e["field"] for e in errors] == ["asesor_registration_number"]
    # An update that removes the role keeps the number on record; a creation refuses it.
    assert rules.registration_errors(["admin"], "MET 1", creating=False) == []
    assert rules.registration_errors(["admin"], "MET 1")[0]["field"] == "asesor_registration_number"


@pytest.mark.parametrize(("password", "repeat", "named"), [
    ("Rahasia-Kuat-2026", "Rahasia-Kuat-2026", set()),
    ("pendek1", "pendek1", {"password"}),
    ("hanyahurufsaja", "hanyahurufsaja", {"password"}),
    ("asesor9-Kuat-2026", "asesor9-Kuat-2026", {"password"}),
    ("dewi-Kuat-2026", "dewi-Kuat-2026", {"password"}),
    ("Rahasia-Kuat-2026", "Rahasia-Kuat-2027", {"password_repeat"}),
])
def test_password_policy(password: str, repeat: str, named: set[str]) -> None:
    errors = rules.password_errors(password, repeat, username="asesor9", email="dewi@lsp.id")
    assert {e["field"] for e in errors} == named


def test_an_activation_link_works_once_until_it_expires() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)
    later = now + timedelta(hours=72)
    assert rules.activation_problem(expires_at=later, used_at=None, now=now) is None
    assert "already been used" in str(rules.activation_problem(expires_at=later, used_at=now, now=now))
    assert "expired" in str(rules.activation_problem(expires_at=later, used_at=None, now=later))
    assert rules.hash_token("abc") != rules.hash_token("abd") and len(rules.hash_token("abc")) == 64
