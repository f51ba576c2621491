from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.portal.domain.accounts import (
    activation_token_problem,
    clean_name,
    hash_token,
    links_to_void,
    name_error,
    normalize_email,
    password_errors,
    registration,
    reset_token_problem,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def fields(errors: list[dict[str, str]]) -> list[str]:
    return [e["field"] for e in errors]


def registration_errors(*, is_individual: bool, data_truth_consent: bool, phone: str,
                        first_name: str = "Budi", last_name: str = "Santoso") -> list[dict[str, str]]:
    return registration(first_name=first_name, last_name=last_name, phone=phone, is_individual=is_individual,
                        data_truth_consent=data_truth_consent)[1]


def test_registration_accepts_an_individual_who_consents() -> None:
    assert registration_errors(is_individual=True, data_truth_consent=True, phone="+62 812-3456-7890") == []


@pytest.mark.parametrize(("individual", "consent", "phone", "field"), [
    (False, True, "081234567890", "is_individual"),
    (True, False, "081234567890", "data_truth_consent"),
    (True, True, "12", "phone"),
    (True, True, "0812abcdefgh", "phone"),
    (True, True, "0812\n34567890", "phone"),  # separators are spaces, hyphens, brackets; not line breaks
])
def test_registration_refusals(individual: bool, consent: bool, phone: str, field: str) -> None:
    assert fields(registration_errors(is_individual=individual, data_truth_consent=consent, phone=phone)) == [field]


def test_registration_cleans_what_it_stores() -> None:
    details, errors = registration(first_name="  Ni   Luh ", last_name="Putu", phone="+62 (812) 3456-7890",
                                   is_individual=True, data_truth_consent=True)
    assert errors == [] and details.first_name == "Ni Luh" and details.phone == "+6281234567890"


@pytest.mark.parametrize("name", ["Budi", "Ni Luh Putu", "O'Neil", "Moh. Hatta", "Siti-Aminah", "D\u2019Souza",
                                  "Ạnh", "Jos\u0065\u0301"])
def test_real_names_pass(name: str) -> None:
    assert name_error("first_name", clean_name(name)) is None


@pytest.mark.parametrize(("name", "words"), [
    ("Budi\n\nAkun Anda DIBLOKIR", "control"), ("Budi\tSantoso", "control"), ("Budi\r", "control"),
    ("Bu\u200bdi", "control"), ("Budi\u202eidub", "control"), ("Budi\u2028x", "control"),
    ("Verifikasi di http://evil.example", "only letters"), ("Budi <b>", "only letters"), ("Budi2", "only letters"),
    ("", "empty"), ("...", "letter"), ("B" * 101, "at most 100"),
])
def test_names_that_are_refused(name: str, words: str) -> None:
    problem = name_error("last_name", clean_name(name))
    assert problem is not None and problem["field"] == "last_name" and words in problem["message"], problem


def test_a_bad_name_is_reported_by_its_field() -> None:
    errs = registration_errors(is_individual=True, data_truth_consent=True, phone="081234567890",
                               first_name="Budi\nSantoso", last_name="X:Y")
    assert fields(errs) == ["first_name", "last_name"]


def test_strong_password_passes() -> None:
    assert password_errors("Kuat-Sekali-99", "Kuat-Sekali-99", "budi@example.id") == []


@pytest.mark.parametrize(("password", "repeat", "field"), [
    ("Pendek1", "Pendek1", "password"),  # too short
    ("hanyahurufsaja", "hanyahurufsaja", "password"),  # no digits
    ("1234567890123", "1234567890123", "password"),  # no letters
    ("budisantoso-2024", "budisantoso-2024", "password"),  # contains the email's name
    ("Kuat-Sekali-99", "Kuat-Sekali-98", "password_repeat"),
])
def test_weak_or_mismatched_passwords(password: str, repeat: str, field: str) -> None:
    assert fields(password_errors(password, repeat, "BudiSantoso@example.id")) == [field]


def test_normalize_email() -> None:
    assert normalize_email("  Budi@Example.ID ") == "budi@example.id"


def test_token_hash_is_sha256_and_not_the_token() -> None:
    h = hash_token("abc")
    assert len(h) == 64 and h != "abc" and h == hash_token("abc") and h != hash_token("abd")


def test_activation_token_states() -> None:
    later = NOW + timedelta(hours=1)
    assert activation_token_problem(expires_at=later, used_at=None, now=NOW) is None
    assert "used" in (activation_token_problem(expires_at=later, used_at=NOW, now=NOW) or "")
    assert "expired" in (activation_token_problem(expires_at=NOW, used_at=None, now=NOW) or "")


def test_reset_token_states() -> None:
    later = NOW + timedelta(hours=1)
    assert reset_token_problem(expires_at=later, used_at=None, now=NOW) is None
    assert "reset link has already been used" in (reset_token_problem(expires_at=later, used_at=NOW, now=NOW) or "")
    assert "ask for a new one" in (reset_token_problem(expires_at=NOW, used_at=None, now=NOW) or "")


def test_links_to_void_keeps_the_newest() -> None:
    alive = [("a", NOW + timedelta(hours=1)), ("c", NOW + timedelta(hours=3)), ("b", NOW + timedelta(hours=2))]
    assert links_to_void(alive, 3) == ["a"]  # room for the one about to be sent
    assert links_to_void(alive, 4) == []
    assert links_to_void(alive, 1) == ["c", "b", "a"]
    assert links_to_void([], 3) == []
    with pytest.raises(ValueError, match="at least 1"):
        links_to_void(alive, 0)
