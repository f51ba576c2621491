"""Rules of an LSP's staff accounts (SPEC section 8, "Accounts"): what a username, a name, an email
address and an asesor's registration number may hold, which roles exist, the password an
activation sets, and the emailed one-time activation link. Plain Python; time is handed in."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

FieldErrors = list[dict[str, str]]

MANAJER, ADMIN, ASESOR, KOMITE = "manajer", "admin", "asesor", "komite"
ROLES = (MANAJER, ADMIN, ASESOR, KOMITE)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Registration numbers of Asesor Kompetensi come in several shapes over the years
# ("MET.000.001234 2019", "No. Reg. 000.001234/ASKOM/2020"): letters, digits, spaces and . / -
# with at least one digit; nothing that could break the line of a form or an email.
_REGISTRATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{2,63}$")
_SPACES = re.compile(r"\s+")
CONTROL_MESSAGE = "must not contain line breaks, tabs or other control characters"


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, zero-width and direction marks and line separators: what lets a value
    break out of the line it is put on (a form, an email)."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


def clean_username(value: str) -> str:
    return value.strip().lower()


def username_error(value: str) -> dict[str, str] | None:
    if not _USERNAME.match(value):
        return {"field": "username",
                "message": "3 to 64 characters: lower-case letters, digits and . _ -, starting with a letter or digit"}
    return None


def clean_name(value: str) -> str:
    """NFC, trimmed, runs of spaces as one. Staff names carry academic titles ("Ir. Budi
    Santoso, S.T., M.T."), so commas and periods are welcome."""
    return " ".join(part for part in unicodedata.normalize("NFC", value).split(" ") if part)


def name_error(value: str) -> dict[str, str] | None:
    if has_control_characters(value):
        return {"field": "full_name", "message": CONTROL_MESSAGE}
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        return {"field": "full_name", "message": "must contain a letter"}
    if len(value) > NAME_MAX_LENGTH:
        return {"field": "full_name", "message": f"must have at most {NAME_MAX_LENGTH} characters"}
    return None


def clean_email(value: str) -> str:
    return value.strip().lower()


def email_error(value: str) -> dict[str, str] | None:
    if has_control_characters(value) or len(value) > EMAIL_MAX_LENGTH or not _EMAIL.match(value):
        return {"field": "email", "message": f"an email address (name@domain), at most {EMAIL_MAX_LENGTH} characters"}
    return None


def clean_registration_number(value: str) -> str:
    """Trimmed, runs of spaces as one, upper case: one number, one spelling."""
    return _SPACES.sub(" ", value).strip().upper() if not has_control_characters(value) else value


def registration_number_error(value: str) -> dict[str, str] | None:
    field = "asesor_registration_number"
    if has_control_characters(value):
        return {"field": field, "message": CONTROL_MESSAGE}
    if not _REGISTRATION.match(value) or not any(c.isdigit() for c in value):
        return {"field": field, "message": "3 to 64 characters: letters, digits, spaces and . / - with at least "
                                           "one digit (for example MET.000.001234 2019)"}
    return None


def roles_errors(roles: list[str]) -> FieldErrors:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        return [{"field": "roles", "message": f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}"}]
    if not roles:
        return [{"field": "roles", "message": "at least one role"}]
    return []


def clean_roles(roles: list[str]) -> list[str]:
    """Each role once, in the order of :data:`ROLES`."""
    return [r for r in ROLES if r in roles]


@dataclass(frozen=True)
class StaffDetails:
    """What creating a staff member stores about the person, cleaned."""

    username: str
    full_name: str
    email: str
    roles: list[str]
    asesor_registration_number: str | None


def new_staff(*, username: str, full_name: str, email: str, roles: list[str],
              asesor_registration_number: str | None) -> tuple[StaffDetails, FieldErrors]:
    """The cleaned details and every rule they break (nothing is stored unless the list is empty)."""
    details = StaffDetails(clean_username(username), clean_name(full_name), clean_email(email), clean_roles(roles),
                           clean_registration_number(asesor_registration_number)
                           if asesor_registration_number is not None and asesor_registration_number.strip() else None)
    errors = [e for e in (username_error(details.username), name_error(details.full_name),
                          email_error(details.email)) if e is not None]
    role_errors = roles_errors(roles)
    # Whether a number belongs depends on the roles: judged only once they are right.
    errors += role_errors or registration_errors(details.roles, details.asesor_registration_number)
    return details, errors


def registration_errors(roles: list[str], number: str | None, *, creating: bool = True) -> FieldErrors:
    """An asesor needs a registration number; on creation, only an asesor may have one (an
    update that removes the role keeps the number on record)."""
    field = "asesor_registration_number"
    if number is not None:
        problem = registration_number_error(number)
        if problem is not None:
            return [problem]
    if ASESOR in roles and number is None:
        return [{"field": field, "message": "required for a staff member with the role asesor"}]
    if creating and number is not None and ASESOR not in roles:
        return [{"field": field, "message": "only a staff member with the role asesor has one"}]
    return []


def password_errors(password: str, password_repeat: str, *, username: str, email: str | None) -> FieldErrors:
    """As on the portal: at least 10 characters, letters and digits, neither the username nor the
    email's name inside it, typed the same twice."""
    errors: FieldErrors = []
    if len(password) < PASSWORD_MIN_LENGTH:
        errors.append({"field": "password", "message": f"must have at least {PASSWORD_MIN_LENGTH} characters"})
    elif len(password) > PASSWORD_MAX_LENGTH:
        errors.append({"field": "password", "message": f"must have at most {PASSWORD_MAX_LENGTH} characters"})
    if not (re.search(r"[^\W\d_]", password) and re.search(r"[0-9]", password)):
        errors.append({"field": "password", "message": "must contain both letters and digits"})
    lowered = password.lower()
    names = {username.lower(), (email or "").lower().split("@", 1)[0]}
    if any(len(n) >= 3 and n in lowered for n in names):
        errors.append({"field": "password", "message": "must not contain the username or the email address's name"})
    if password != password_repeat:
        errors.append({"field": "password_repeat", "message": "does not match password"})
    return errors


def hash_token(token: str) -> str:
    """Emailed tokens are kept only as their SHA-256: a leaked table activates nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def activation_problem(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str | None:
    if used_at is not None:
        return "this activation link has already been used"
    if now >= expires_at:
        return "this activation link has expired; ask the LSP's manager for a new one"
    return None
