"""LPJK's recording rules (plain Python, no I/O). The recording number's format is in
:mod:`services.lpjk_mock.domain.numbers`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from shared.contracts.issuance import RecordRequest
from shared.exceptions import Conflict, Invalid, NotFound
from shared.reference import ReferenceData, holder_fact_errors

WIB = timezone(timedelta(hours=7), "WIB")

# A repeat for the same skk_number must carry exactly these facts, or it is refused (RecordChanged).
IDENTITY_FIELDS: tuple[str, ...] = (
    "lsp_code", "application_id", "registration_number", "nik", "full_name", "klasifikasi_code",
    "subklasifikasi_code", "kualifikasi", "jabatan_kerja_code", "jenjang", "issued_on", "valid_until",
)


class RecordChanged(Conflict):
    """A repeat for an SKK number already recorded changes its facts."""


class UnknownRecord(NotFound):
    """No SKK is recorded under that recording number."""


def wib_date(at: datetime) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(WIB).date()


def identity_facts(req: RecordRequest) -> dict[str, Any]:
    data = req.model_dump(mode="json")
    return {k: data[k] for k in IDENTITY_FIELDS}


def differing_fields(stored: dict[str, Any], requested: dict[str, Any]) -> list[str]:
    return [k for k in IDENTITY_FIELDS if stored.get(k) != requested.get(k)]


def record_problems(ref: ReferenceData, req: RecordRequest) -> list[dict[str, str]]:
    errors = holder_fact_errors(ref, req)
    if not req.skk_number.strip():
        errors.append({"field": "skk_number", "message": "skk_number must not be empty"})
    if not req.registration_number.strip():
        errors.append({"field": "registration_number", "message": "registration_number must not be empty"})
    if req.valid_until <= req.issued_on:
        errors.append({"field": "valid_until", "message": "valid_until must be after issued_on"})
    return errors


def check_record(ref: ReferenceData, req: RecordRequest) -> None:
    """Refuse inconsistent facts (:class:`Invalid`, naming the fields)."""
    problems = record_problems(ref, req)
    if problems:
        raise Invalid.fields(problems)


@dataclass(frozen=True)
class Replaced:
    """What a renewal or a change needs to know of the certificate it replaces."""

    nik: str
    status: str
    skk_number: str
    jabatan_kerja_code: str
    jenjang: int
    valid_until: date


def check_replaced(req: RecordRequest, old: Replaced | None) -> None:
    """A renewal or a change (``req.replaces``) must replace a recorded certificate of the same
    holder (NIK) and the same competence (jabatan kerja, jenjang) that is active or suspended:
    :class:`Invalid` (422) or :class:`Conflict` (409) naming ``replaces`` otherwise. A change
    (the same SKK number) keeps the replaced one's end of validity: 422 naming ``valid_until``."""
    if req.replaces is None:
        return
    if old is None:
        raise Invalid.field("replaces", f"no SKK recorded as {req.replaces}")
    if old.nik != req.nik:
        raise Invalid.field("replaces", "the certificate replaced belongs to another holder (NIK)")
    if (old.jabatan_kerja_code, old.jenjang) != (req.jabatan_kerja_code, req.jenjang):
        raise Invalid.field("replaces", "the certificate replaced is for another jabatan kerja or jenjang")
    if req.skk_number == old.skk_number and req.valid_until != old.valid_until:
        # A change corrects the holder's data; it does not extend the SKK (that is a renewal).
        raise Invalid.field("valid_until", "a change keeps the validity end of the SKK it replaces "
                                           f"({old.valid_until.isoformat()})")
    if old.status not in ("active", "suspended"):
        raise Conflict(f"the certificate replaced is {old.status}; only an active or suspended one can be replaced",
                       errors=[{"field": "replaces", "message": f"the certificate is {old.status}"}],
                       certificate_status=old.status)


def check_repeat(stored: dict[str, Any], req: RecordRequest, recording_number: str, *,
                 replaces: str | None = None) -> None:
    """Refuse a repeat whose facts differ from the SKK already recorded as ``recording_number``
    (``replaces``: the certificate that one replaced, which a repeat must name too)."""
    changed = differing_fields(stored, identity_facts(req))
    if replaces != req.replaces:
        changed.append("replaces")
    if changed:
        raise RecordChanged(
            f"SKK {req.skk_number} is already recorded with other facts ({', '.join(changed)})",
            errors=[{"field": f, "message": "differs from the SKK already recorded"} for f in changed],
            recording_number=recording_number,
        )


def validity(issued_on: date, valid_until: date, revoked: bool, today: date) -> tuple[bool, str | None]:
    """Whether a recorded SKK is valid ``today``, and why not."""
    if revoked:
        return False, "revoked"
    if today < issued_on:
        return False, "not yet valid"
    if today > valid_until:
        return False, "expired"
    return True, None
