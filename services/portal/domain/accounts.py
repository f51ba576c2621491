"""Rules of the applicant's account: what a name and a phone number may hold, password strength,
and the emailed one-time links (activation, password reset). Plain Python; time is handed in."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

FieldErrors = list[dict[str, str]]

PASSWORD_MIN_LENGTH = 10
NAME_MAX_LENGTH = 100
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")
_PHONE_SEPARATORS = re.compile(r"[ \-()]")
_SPACES = re.compile(" {2,}")
PHONE_MESSAGE = "must be a phone number of 8 to 15 digits, optionally starting with +"
# Apostrophes (straight and typographic), periods and hyphens appear in real names
# ("Ni Luh", "O'Neil", "Moh. Hatta", "Siti-Aminah"); nothing else that is not a letter does.
_NAME_PUNCTUATION = frozenset(" '\u2019.-")
NAME_MESSAGE = "may contain only letters, spaces and the characters ' . -"
CONTROL_MESSAGE = "must not contain line breaks, tabs or other control characters"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, zero-width and direction marks (Unicode Cc, Cf) and separators other
    than the plain space (Zl, Zp): what lets a value break out of the line it is put on."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


def clean_name(value: str) -> str:
    """NFC, trimmed, runs of spaces as one: how a name is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip(" ")


def name_error(field: str, value: str) -> dict[str, str] | None:
    """Why ``value`` (already cleaned) is not a person's name, or None."""
    if has_control_characters(value):
        return {"field": field, "message": CONTROL_MESSAGE}
    if not value:
        return {"field": field, "message": "must not be empty"}
    if len(value) > NAME_MAX_LENGTH:
        return {"field": field, "message": f"must have at most {NAME_MAX_LENGTH} characters"}
    if not all(c in _NAME_PUNCTUATION or unicodedata.category(c)[0] in "LM" for c in value):
        return {"field": field, "message": NAME_MESSAGE}
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        return {"field": field, "message": "must contain a letter"}
    return None


def clean_phone(value: str) -> str:
    """The number as stored: digits with an optional leading +, separators dropped."""
    return _PHONE_SEPARATORS.sub("", value.strip())


def phone_error(value: str) -> dict[str, str] | None:
    if has_control_characters(value):
        return {"field": "phone", "message": CONTROL_MESSAGE}
    if not _PHONE.match(clean_phone(value)):
        return {"field": "phone", "message": PHONE_MESSAGE}
    return None


@dataclass(frozen=True)
class Registration:
    """What registration stores about the person, cleaned."""

    first_name: str
    last_name: str
    phone: str


def registration(*, first_name: str, last_name: str, phone: str, is_individual: bool,
                 data_truth_consent: bool) -> tuple[Registration, FieldErrors]:
    """The cleaned details and every rule they break (nothing is stored unless the list is empty)."""
    first, last = clean_name(first_name), clean_name(last_name)
    errors: FieldErrors = []
    if not is_individual:
        errors.append({"field": "is_individual",
                       "message": "the portal is for individuals; companies cannot register"})
    if not data_truth_consent:
        errors.append({"field": "data_truth_consent", "message": "the data-truth statement must be accepted"})
    for problem in (name_error("first_name", first), name_error("last_name", last), phone_error(phone)):
        if problem is not None:
            errors.append(problem)
    return Registration(first, last, clean_phone(phone)), errors


def password_errors(password: str, password_repeat: str, email: str,
                    field: str = "password", repeat_field: str = "password_repeat") -> FieldErrors:
    """At least 10 characters, letters and digits, not the email's name, typed the same twice."""
    errors: FieldErrors = []
    if len(password) < PASSWORD_MIN_LENGTH:
        errors.append({"field": field, "message": f"must have at least {PASSWORD_MIN_LENGTH} characters"})
    if not (re.search(r"[A-Za-z]", password) and re.search(r"[0-9]", password)):
        errors.append({"field": field, "message": "must contain both letters and digits"})
    local = normalize_email(email).split("@", 1)[0]
    if len(local) >= 3 and local in password.lower():
        errors.append({"field": field, "message": "must not contain the email address's name"})
    if password != password_repeat:
        errors.append({"field": repeat_field, "message": f"does not match {field}"})
    return errors


def hash_token(token: str) -> str:
    """Emailed tokens are kept only as their SHA-256: a leaked table activates or resets nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_problem(*, expires_at: datetime, used_at: datetime | None, now: datetime, what: str = "activation link",
                 again: str = "register again to get a new one") -> str | None:
    if used_at is not None:
        return f"this {what} has already been used"
    if now >= expires_at:
        return f"this {what} has expired; {again}"
    return None


def activation_token_problem(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    return link_problem(expires_at=expires_at, used_at=used_at, now=now)


def reset_token_problem(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    return link_problem(expires_at=expires_at, used_at=used_at, now=now, what="password reset link",
                        again="ask for a new one")


def links_to_void(alive: Sequence[tuple[str, datetime]], keep: int) -> list[str]:
    """Of the unused, unexpired links (hash, expires_at), those to void before one more is sent,
    so that at most ``keep`` stay usable: the oldest go, the newest stay.

    A repeated registration must not void the link the owner already has (that let anyone
    cancel someone else's activation), yet links must not pile up without bound either."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    newest_first = sorted(alive, key=lambda t: t[1], reverse=True)
    return [h for h, _ in newest_first[keep - 1:]]
