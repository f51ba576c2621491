from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.portal.domain.accounts import (
    activation_token_problem,
    hash_token,
    login_retry_after,
    normalize_email,
    password_errors,
    registration_errors,
)

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def fields(errors: list[dict[str, str]]) -> list[str]:
    return [e["field"] for e in errors]


def test_registration_accepts_an_individual_who_consents() -> None:
    assert registration_errors(is_individual=True, data_truth_consent=True, phone="+62 812-3456-7890") == []


@pytest.mark.parametrize(("individual", "consent", "phone", "field"), [
    (False, True, "081234567890", "is_individual"),
    (True, False, "081234567890", "data_truth_consent"),
    (True, True, "12", "phone"),
    (True, True, "0812abcdefgh", "phone"),
])
def test_registration_refusals(individual: bool, consent: bool, phone: str, field: str) -> None:
    assert fields(registration_errors(is_individual=individual, data_truth_consent=consent, phone=phone)) == [field]


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


def test_throttle_allows_until_the_limit() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert login_retry_after(failures, now=NOW, max_failures=5, window_seconds=900) is None


def test_throttle_blocks_at_the_limit_until_the_oldest_leaves_the_window() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 10)]
    assert login_retry_after(failures, now=NOW, max_failures=5, window_seconds=900) == 5 * 60


def test_throttle_ignores_failures_outside_the_window() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 4, 16)]
    assert login_retry_after(failures, now=NOW, max_failures=5, window_seconds=900) is None
