"""Rules of the applicant's account: registration, password strength, activation links and the
throttle on failed logins. Plain Python; time is always handed in."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

FieldErrors = list[dict[str, str]]

PASSWORD_MIN_LENGTH = 10
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
PHONE_MESSAGE = "must be a phone number of 8 to 15 digits, optionally starting with +"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def registration_errors(*, is_individual: bool, data_truth_consent: bool, phone: str) -> FieldErrors:
    errors: FieldErrors = []
    if not is_individual:
        errors.append({"field": "is_individual",
                       "message": "the portal is for individuals; companies cannot register"})
    if not data_truth_consent:
        errors.append({"field": "data_truth_consent", "message": "the data-truth statement must be accepted"})
    if not _PHONE.match(re.sub(r"[\s\-()]", "", phone)):
        errors.append({"field": "phone", "message": PHONE_MESSAGE})
    return errors


def password_errors(password: str, password_repeat: str, email: str) -> FieldErrors:
    """At least 10 characters, letters and digits, not the email's name, typed the same twice."""
    errors: FieldErrors = []
    if len(password) < PASSWORD_MIN_LENGTH:
        errors.append({"field": "password", "message": f"must have at least {PASSWORD_MIN_LENGTH} characters"})
    if not (re.search(r"[A-Za-z]", password) and re.search(r"[0-9]", password)):
        errors.append({"field": "password", "message": "must contain both letters and digits"})
    local = normalize_email(email).split("@", 1)[0]
    if len(local) >= 3 and local in password.lower():
        errors.append({"field": "password", "message": "must not contain the email address's name"})
    if password != password_repeat:
        errors.append({"field": "password_repeat", "message": "does not match password"})
    return errors


def hash_token(token: str) -> str:
    """Activation tokens are kept only as their SHA-256: a leaked table activates nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def activation_token_problem(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    if used_at is not None:
        return "this activation link has already been used"
    if now >= expires_at:
        return "this activation link has expired; register again to get a new one"
    return None


def login_retry_after(failures: Sequence[datetime], *, now: datetime, max_failures: int,
                      window_seconds: int) -> int | None:
    """Seconds until the next attempt is allowed, or None when the email is not throttled.

    Throttled while ``max_failures`` failures lie within the window; it lifts when the oldest of
    the most recent ``max_failures`` leaves the window.
    """
    window = timedelta(seconds=window_seconds)
    recent = sorted(f for f in failures if now - f < window)
    if len(recent) < max_failures:
        return None
    oldest_that_counts = recent[-max_failures]
    return max(1, int((oldest_that_counts + window - now).total_seconds() + 0.999))
