"""NIK and NPWP rules (python-stdnum), and masking for display.

python-stdnum (with the pydoc it imports: 1 MiB of idle RSS, issue 17) is imported by the checks,
when a request first has a NIK or NPWP to check, not when a service starts."""

from __future__ import annotations

from datetime import date


def nik_errors(nik: str, birth_date: date | None, gender: str | None, field: str = "nik") -> list[dict[str, str]]:
    """Problems of a NIK against the holder's birth date and gender (day + 40 for women)."""
    if not (len(nik) == 16 and nik.isdigit()):
        return [{"field": field, "message": "NIK must be exactly 16 digits"}]
    from stdnum.exceptions import InvalidComponent, ValidationError
    from stdnum.id import nik as stdnum_nik

    try:
        stdnum_nik.validate(nik)
    except InvalidComponent:  # stdnum's own wording is not shown: it does not say what to fix
        return [{"field": field, "message": "NIK's region code or birth date (DDMMYY, day + 40 for women) "
                                            "is not valid"}]
    except ValidationError:
        return [{"field": field, "message": "not a valid NIK"}]
    errors: list[dict[str, str]] = []
    day = int(nik[6:8])
    encoded_female = day > 40
    if gender in ("L", "P") and encoded_female != (gender == "P"):
        errors.append({"field": field, "message": "NIK's encoded gender (day + 40 for women) does not match gender"})
    if birth_date is not None:
        real_day = day - 40 if encoded_female else day
        if (real_day, int(nik[8:10]), int(nik[10:12])) != (birth_date.day, birth_date.month, birth_date.year % 100):
            errors.append({"field": field, "message": "NIK's encoded birth date (DDMMYY) does not match birth_date"})
    return errors


def npwp_errors(npwp: str, field: str = "npwp") -> list[dict[str, str]]:
    from stdnum.exceptions import InvalidChecksum, ValidationError
    from stdnum.id import npwp as stdnum_npwp

    digits = stdnum_npwp.compact(npwp) if npwp else ""
    if not (digits.isdigit() and len(digits) in (15, 16)):
        return [{"field": field, "message": "NPWP must have 15 digits or the 16-digit form"}]
    try:
        stdnum_npwp.validate(digits)
    except InvalidChecksum:
        return [{"field": field, "message": "NPWP's check digit does not match; check for a typing mistake"}]
    except ValidationError:
        return [{"field": field, "message": "not a valid NPWP"}]
    return []


def mask_nik(nik: str) -> str:
    """``3171011708450001`` -> ``317101********01``: enough to recognise, not to misuse."""
    return nik[:6] + "*" * 8 + nik[-2:] if len(nik) == 16 else "*" * len(nik)


def mask_name(name: str) -> str:
    """``Budi Santoso`` -> ``B*** S******``, for public verification."""
    return " ".join(w[0] + "*" * (len(w) - 1) if w else w for w in name.split(" "))
