"""The ownership limits of PP 14/2021 (SPEC section 3), as pure functions.

Counted over the SKK a person holds plus the applications in progress for the same NIK, within
the kualifikasi of the new application: the regulation sets one limit per kualifikasi.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.reference import MANAJEMEN_PELAKSANAAN


@dataclass(frozen=True)
class Holding:
    """One SKK held, or one application in progress, or the new application."""

    kualifikasi: str
    klasifikasi_code: str
    subklasifikasi_code: str


@dataclass(frozen=True)
class Limit:
    max_skk: int
    max_klasifikasi: int
    max_subklasifikasi: int | None  # across all klasifikasi; None for Ahli (counted per kind)


MAX_SKK = 5
LIMITS: dict[str, Limit] = {
    "Operator": Limit(max_skk=MAX_SKK, max_klasifikasi=3, max_subklasifikasi=5),
    "Teknisi/Analis": Limit(max_skk=MAX_SKK, max_klasifikasi=2, max_subklasifikasi=5),
    "Ahli": Limit(max_skk=MAX_SKK, max_klasifikasi=2, max_subklasifikasi=None),
}
# Ahli: subklasifikasi within the klasifikasi other than Manajemen Pelaksanaan, and within it.
AHLI_MAX_SUB_OTHER = 3
AHLI_MAX_SUB_MP = 2

FIELD_PREFIX = "qualification."


def _reason(field: str, message: str) -> dict[str, str]:
    return {"field": FIELD_PREFIX + field, "message": message}


def ownership_limit_errors(existing: list[Holding], new: Holding) -> list[dict[str, str]]:
    """Every limit the new application would break, each naming the field to change.

    ``existing`` holds the SKK held (not expired, not revoked) and the other applications in
    progress for the same NIK, of any kualifikasi; only those of ``new.kualifikasi`` count.
    """
    limit = LIMITS.get(new.kualifikasi)
    if limit is None:
        return []  # an unknown kualifikasi is reported by the consistency check
    held = [h for h in existing if h.kualifikasi == new.kualifikasi]
    after = [*held, new]
    reasons: list[dict[str, str]] = []
    k = new.kualifikasi
    if len(after) > limit.max_skk:
        reasons.append(_reason(
            "kualifikasi",
            f"{k}: at most {limit.max_skk} SKK (held plus in progress); this would be {len(after)}",
        ))
    klasifikasi = {h.klasifikasi_code for h in after}
    if len(klasifikasi) > limit.max_klasifikasi:
        reasons.append(_reason(
            "klasifikasi_code",
            f"{k}: at most {limit.max_klasifikasi} different klasifikasi; this would be "
            f"{len(klasifikasi)} ({', '.join(sorted(klasifikasi))})",
        ))
    subklasifikasi = {h.subklasifikasi_code for h in after}
    if limit.max_subklasifikasi is not None and len(subklasifikasi) > limit.max_subklasifikasi:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"{k}: at most {limit.max_subklasifikasi} subklasifikasi; this would be {len(subklasifikasi)}",
        ))
    if k == "Ahli":
        reasons.extend(_ahli_errors(after, klasifikasi))
    return reasons


def _ahli_errors(after: list[Holding], klasifikasi: set[str]) -> list[dict[str, str]]:
    reasons: list[dict[str, str]] = []
    mp = MANAJEMEN_PELAKSANAAN
    if len(klasifikasi) == 2 and mp not in klasifikasi:
        reasons.append(_reason(
            "klasifikasi_code",
            f"Ahli: with two klasifikasi one of them must be Manajemen Pelaksanaan ({mp}); "
            f"this would be {', '.join(sorted(klasifikasi))}",
        ))
    sub_mp = {h.subklasifikasi_code for h in after if h.klasifikasi_code == mp}
    sub_other = {h.subklasifikasi_code for h in after if h.klasifikasi_code != mp}
    if len(sub_other) > AHLI_MAX_SUB_OTHER:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"Ahli: at most {AHLI_MAX_SUB_OTHER} subklasifikasi outside Manajemen Pelaksanaan; "
            f"this would be {len(sub_other)}",
        ))
    if len(sub_mp) > AHLI_MAX_SUB_MP:
        reasons.append(_reason(
            "subklasifikasi_code",
            f"Ahli: at most {AHLI_MAX_SUB_MP} subklasifikasi within Manajemen Pelaksanaan; "
            f"this would be {len(sub_mp)}",
        ))
    return reasons
