"""BNSP's numbering and the rules of an issuance plan (plain Python, no I/O).

Number formats (stable; documented in the README of the chain):

- SKK number: ``{jabatan_kerja_code}.{jenjang}.{yyyy}.{seq:07d}``,
  e.g. ``SI011002.7.2026.0000042``.
- BNSP registration number: ``BNSP/{lsp_code}/{yyyy}/{seq:07d}``,
  e.g. ``BNSP/LSP-A/2026/0000042``.

``yyyy`` is the year of issuance in Western Indonesian Time (WIB, UTC+7) and ``seq`` is BNSP's
register sequence for that year: one counter for all LSPs and jabatan kerja, so both numbers of
one issuance carry the same ``seq`` and no two issuances ever share either number.

The kinds of application (shared.contracts.kinds): a ``perpanjangan`` (renewal) gets a new SKK
number like a ``baru``; a ``perubahan`` (change of the holder's data) keeps the SKK number of
``previous_skk_number`` and gets a new registration number. Either names an SKK BNSP issued to the
same holder (NIK) for the same jabatan kerja and jenjang.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from shared.contracts.issuance import IssuanceRequest
from shared.contracts.kinds import CHANGE
from shared.exceptions import Conflict, Forbidden, Invalid
from shared.reference import ReferenceData, holder_fact_errors

WIB = timezone(timedelta(hours=7), "WIB")

# The facts that identify an issuance plan: a repeat of (lsp_code, application_id) must carry
# exactly these, or it is a different plan (PlanChanged). ``decided_at`` is metadata, not identity.
IDENTITY_FIELDS: tuple[str, ...] = (
    "nik", "full_name", "klasifikasi_code", "subklasifikasi_code", "kualifikasi",
    "jabatan_kerja_code", "jenjang", "application_kind", "previous_skk_number",
)
# What a fact stored before the kinds existed stands for (every such issuance was a ``baru``).
_FACT_DEFAULTS: dict[str, Any] = {"application_kind": "baru", "previous_skk_number": None}


class LspNotLicensed(Forbidden):
    """The LSP is unknown to BNSP or not licensed for the plan's jabatan kerja."""


class PlanChanged(Conflict):
    """A repeat of an application already issued changes its identity facts."""


def issuance_year(at: datetime) -> int:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(WIB).year


def counter_name(year: int) -> str:
    return f"skk:{year}"


def skk_number(jabatan_kerja_code: str, jenjang: int, year: int, seq: int) -> str:
    return f"{jabatan_kerja_code}.{jenjang}.{year}.{seq:07d}"


def registration_number(lsp_code: str, year: int, seq: int) -> str:
    return f"BNSP/{lsp_code}/{year}/{seq:07d}"


def identity_facts(req: IssuanceRequest) -> dict[str, Any]:
    data = req.model_dump(mode="json")
    return {k: data[k] for k in IDENTITY_FIELDS}


def differing_fields(stored: dict[str, Any], requested: dict[str, Any]) -> list[str]:
    """Names (never values: they hold personal data) of the facts a repeat changed."""
    return [k for k in IDENTITY_FIELDS
            if stored.get(k, _FACT_DEFAULTS.get(k)) != requested.get(k, _FACT_DEFAULTS.get(k))]


def plan_problems(ref: ReferenceData, req: IssuanceRequest) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(inconsistencies, licence_problems)`` of a plan, each naming its field.

    BNSP licenses LSPs, so an LSP that is unknown or not licensed for the jabatan kerja is a
    licence problem (LspNotLicensed), kept apart from an inconsistent plan (Invalid).
    """
    errors = holder_fact_errors(ref, req)
    licence = [e for e in errors if e["field"] == "lsp_code"]
    inconsistent = [e for e in errors if e["field"] != "lsp_code"]
    return inconsistent, licence


def check_plan(ref: ReferenceData, req: IssuanceRequest) -> None:
    """Refuse an inconsistent plan (:class:`Invalid`), then an unlicensed LSP (:class:`LspNotLicensed`)."""
    inconsistent, licence = plan_problems(ref, req)
    if inconsistent:
        raise Invalid.fields(inconsistent)
    if licence:
        raise LspNotLicensed(licence[0]["message"], errors=licence)


def check_repeat(stored: dict[str, Any], req: IssuanceRequest, skk_number: str) -> None:
    """Refuse a repeat whose identity facts differ from the plan issued as ``skk_number``."""
    changed = differing_fields(stored, identity_facts(req))
    if changed:
        raise PlanChanged(
            f"application {req.application_id} of {req.lsp_code} was already issued with other facts "
            f"({', '.join(changed)})",
            errors=[{"field": f, "message": "differs from the plan already issued"} for f in changed],
            skk_number=skk_number,
        )


@dataclass(frozen=True)
class HeldSkk:
    """What BNSP's register knows of the SKK a renewal or a change names."""

    skk_number: str
    nik: str
    jabatan_kerja_code: str
    jenjang: int


def check_kind(req: IssuanceRequest) -> None:
    """A change must name the SKK it changes (:class:`Invalid` naming ``previous_skk_number``)."""
    if req.application_kind == CHANGE and not (req.previous_skk_number or "").strip():
        raise Invalid.field("previous_skk_number", "a perubahan must name the SKK it changes (previous_skk_number)")


def check_held(req: IssuanceRequest, held: HeldSkk | None) -> None:
    """The SKK ``req.previous_skk_number`` names must be one BNSP issued to the same NIK, for the
    same jabatan kerja and jenjang (a change keeps its number, which carries both; a renewal
    renews that very competence): :class:`Invalid` naming ``previous_skk_number`` otherwise.
    The message never echoes the NIK."""
    if req.previous_skk_number is None:
        return
    if held is None:
        raise Invalid.field("previous_skk_number", "BNSP has issued no SKK with this number")
    if held.nik != req.nik:
        raise Invalid.field("previous_skk_number", "the SKK was issued to another holder (NIK)")
    if (held.jabatan_kerja_code, held.jenjang) != (req.jabatan_kerja_code, req.jenjang):
        raise Invalid.field("previous_skk_number", "the SKK is for another jabatan kerja or jenjang")


def skk_number_of(req: IssuanceRequest, year: int, seq: int) -> str:
    """The SKK number of a new issuance: the held one for a change, a fresh one otherwise."""
    if req.application_kind == CHANGE and req.previous_skk_number:
        return req.previous_skk_number
    return skk_number(req.jabatan_kerja_code, req.jenjang, year, seq)
