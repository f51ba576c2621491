"""Renewal (perpanjangan) and change (perubahan) of a held SKK, the portal's rules (SPEC section 8,
"Applications"; shared/contracts/kinds.py). Plain Python, no I/O.

- The renewal window opens 6 calendar months before the held SKK's ``valid_until`` (the day
  clamped to the month's end: 2027-08-31 -> 2027-02-28) and stays open after expiry.
- An Ahli (the jenjang named in ``SKK_PKB_MINIMUMS``, "7:100,8:150,9:200") renews only with at
  least that many PKB (SKPK) credits, shown by a document of kind ``pkb``.
- A renewal needs a certificate not revoked nor superseded; a change needs an active one.
- A change names what differs from the certificate's data (CHANGEABLE_FIELDS).

SIKI checks all of it again against its register: the portal's checks spare the applicant a
round trip and say in Bahasa Indonesia what is wrong.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.contracts.kinds import CHANGE, CHANGEABLE_FIELDS, PKB_DOCUMENT_KIND, RENEWAL

FieldErrors = list[dict[str, str]]

RENEWAL_WINDOW_MONTHS = 6
DEFAULT_PKB_MINIMUMS = "7:100,8:150,9:200"
# The supporting document of a change of the holder's data (e.g. a court order for a name).
CHANGE_DOCUMENT_KIND = "bukti_perubahan"
KIND_DOCUMENTS: dict[str, str] = {RENEWAL: PKB_DOCUMENT_KIND, CHANGE: CHANGE_DOCUMENT_KIND}
# Statuses of another application that no longer hold the SKK's renewal or change (it may start again).
GIVEN_UP = frozenset({"withdrawn", "cancelled", "appeal_rejected"})
# The application's own certificate is out: the renewal or change is done.
DONE = frozenset({"certificate_issued", "completed"})


def months_before(day: date, months: int) -> date:
    """``day`` moved back ``months`` calendar months, the day clamped to the month's last."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def renewal_opens(valid_until: date) -> date:
    """The first day a renewal may be filed for an SKK valid through ``valid_until``."""
    return months_before(valid_until, RENEWAL_WINDOW_MONTHS)


def renewal_open(valid_until: date, today: date) -> bool:
    """Open from :func:`renewal_opens` on, expiry included (an expired SKK is renewed, not re-applied)."""
    return today >= renewal_opens(valid_until)


def parse_pkb_minimums(text: str) -> dict[int, int]:
    """``"7:100,8:150,9:200"`` -> ``{7: 100, 8: 150, 9: 200}``. Raises ``ValueError`` naming what is
    wrong (the settings make it a start-up error). An empty text: no jenjang needs PKB credits."""
    table: dict[int, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        jenjang, sep, credits = (x.strip() for x in part.partition(":"))
        if not sep or not jenjang.isdigit() or not credits.isdigit():
            raise ValueError(f"{part!r} is not jenjang:credits (e.g. 7:100)")
        level, minimum = int(jenjang), int(credits)
        if not 1 <= level <= 9:
            raise ValueError(f"jenjang {level} is not between 1 and 9")
        if level in table:
            raise ValueError(f"jenjang {level} is named twice")
        table[level] = minimum
    return table


def pkb_minimum(jenjang: int | None, table: Mapping[int, int]) -> int | None:
    """The PKB credits a renewal at ``jenjang`` needs; None when it needs none."""
    return table.get(jenjang) if jenjang is not None else None


def pkb_shortfall(jenjang: int | None, credits: int | None, table: Mapping[int, int]) -> int:
    """How many credits are missing (0: enough, or none needed); no credits declared counts as 0."""
    minimum = pkb_minimum(jenjang, table)
    if minimum is None:
        return 0
    return max(0, minimum - (credits or 0))


def renewal_refusal(status: str) -> str | None:
    """Why a certificate in LPJK ``status`` cannot be renewed (Bahasa Indonesia), or None."""
    if status == "revoked":
        return "SKK ini telah dicabut dan tidak dapat diperpanjang."
    if status == "superseded":
        return "SKK ini telah digantikan oleh sertifikat yang lebih baru; ajukan untuk SKK yang berlaku."
    return None


def change_refusal(status: str) -> str | None:
    """Why a certificate in LPJK ``status`` cannot have its data changed, or None (only an active one)."""
    if status == "active":
        return None
    return renewal_refusal(status) or f"Perubahan data hanya untuk SKK yang aktif (status sekarang: {status})."


@dataclass(frozen=True)
class HeldSkk:
    """What the rules need of the held SKK (from the application that issued it)."""

    skk_number: str
    valid_until: date
    status: str
    full_name: str | None
    nik: str | None


def kind_refusal(kind: str, held: HeldSkk, today: date) -> str | None:
    """Why ``held`` cannot start an application of ``kind`` today, or None (the state conflicts)."""
    if kind == RENEWAL:
        reason = renewal_refusal(held.status)
        if reason is None and not renewal_open(held.valid_until, today):
            opens = renewal_opens(held.valid_until)
            reason = (f"Perpanjangan SKK {held.skk_number} baru dapat diajukan mulai {opens:%d-%m-%Y} "
                      f"(6 bulan sebelum masa berlaku berakhir pada {held.valid_until:%d-%m-%Y}).")
        return reason
    if kind == CHANGE:
        return change_refusal(held.status)
    return None


def changed_fields(held: HeldSkk, personal: Mapping[str, Any]) -> list[str]:
    """The CHANGEABLE_FIELDS whose value in the personal section differs from the certificate's."""
    old = {"full_name": held.full_name}
    return [f for f in CHANGEABLE_FIELDS if personal.get(f) is not None and _norm(personal.get(f)) != _norm(old[f])]


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split())


def kind_errors(kind: str, sections: Mapping[str, Any], held: HeldSkk | None, pkb_minimums: Mapping[int, int],
                *, complete: bool) -> FieldErrors:
    """What a renewal or a change lacks or has wrong. ``complete`` (a submission) also reports
    what is still missing; a section save (False) only what is given and wrong."""
    errors: FieldErrors = []
    personal = sections.get("personal") or {}
    q = sections.get("qualification") or {}
    if kind == RENEWAL:
        credits, jenjang = q.get("pkb_credits"), q.get("jenjang")
        minimum = pkb_minimum(jenjang if isinstance(jenjang, int) else None, pkb_minimums)
        if minimum is not None and (credits is not None or complete):
            if credits is None:
                errors.append({"field": "qualification.pkb_credits",
                               "message": f"Perpanjangan jenjang {jenjang} wajib mencantumkan kredit PKB "
                                          f"(minimal {minimum})."})
            elif credits < minimum:
                errors.append({"field": "qualification.pkb_credits",
                               "message": f"Kredit PKB {credits} kurang dari minimal {minimum} untuk jenjang "
                                          f"{jenjang}."})
        if minimum is not None and complete and PKB_DOCUMENT_KIND not in (q.get("documents") or {}):
            errors.append({"field": f"qualification.documents.{PKB_DOCUMENT_KIND}",
                           "message": "Unggah dokumen bukti kredit PKB (SKPK)."})
    if kind == CHANGE and complete:
        if held is not None and not changed_fields(held, personal):
            errors.append({"field": "personal.full_name",
                           "message": "Nama lengkap harus berbeda dari nama pada SKK yang diubah."})
        if CHANGE_DOCUMENT_KIND not in (personal.get("documents") or {}):
            errors.append({"field": f"personal.documents.{CHANGE_DOCUMENT_KIND}",
                           "message": "Unggah dokumen pendukung perubahan data."})
    if kind in (RENEWAL, CHANGE) and held is not None and held.nik and personal.get("nik") not in (None, held.nik):
        errors.append({"field": "personal.nik", "message": "NIK harus sama dengan NIK pemegang SKK."})
    return errors
