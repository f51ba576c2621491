"""Building the LSP's certification schemes from the reference data (pure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.reference import ReferenceData


def scheme_requirements(
    ref: ReferenceData, jenjang_levels: list[int], defaults: dict[int, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """Requirement options per jenjang (JSON keys are strings): the reference's, else the LSP's
    configured defaults for jenjang without a public source."""
    out: dict[str, list[dict[str, Any]]] = {}
    for j in jenjang_levels:
        options = ref.requirement_options(j) or list(defaults.get(j, []))
        # An option may name the kinds of experience it counts (domain/experience.py); kept if so.
        out[str(j)] = [{"education_level": o["education_level"], "min_years": o["min_years"],
                        **({"experience_kinds": list(o["experience_kinds"])} if o.get("experience_kinds") else {})}
                       for o in options]
    return out


def apl02_units(jabatan_kerja_code: str, name: str, count: int = 3) -> list[dict[str, Any]]:
    """Placeholder units of competence (the LSP replaces them with its SKKNI's real units)."""
    units = []
    for u in range(1, count + 1):
        elements = []
        for e in range(1, 3):
            criteria = [f"{e}.{c} Kriteria unjuk kerja {e}.{c}" for c in range(1, 3)]
            elements.append({"title": f"Elemen {e}", "criteria": criteria})
        units.append({"code": f"{jabatan_kerja_code}.U{u:02d}", "title": f"Unit kompetensi {u} - {name}",
                      "elements": elements})
    return units


def build_scheme(
    ref: ReferenceData,
    jabatan_kerja_code: str,
    *,
    fees: dict[str, Decimal],
    default_requirements: dict[int, list[dict[str, Any]]],
    units: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    jk = ref.jabatan_kerja[jabatan_kerja_code]
    sub = ref.subklasifikasi.get(jk["subklasifikasi_code"], {})
    levels = [int(j) for j in jk["jenjang"]]
    return {
        "jabatan_kerja_code": jabatan_kerja_code,
        "name": jk["name"],
        "klasifikasi_code": sub.get("klasifikasi_code", ""),
        "subklasifikasi_code": jk["subklasifikasi_code"],
        "kualifikasi": jk["kualifikasi"],
        "jenjang": levels,
        "requirements": scheme_requirements(ref, levels, default_requirements),
        "fee": Decimal(fees.get(jk["kualifikasi"], Decimal(0))),
        "currency": "IDR",
        "skkni": jk.get("skkni") or f"SKKNI jabatan kerja {jk['name']} (nomor menurut skema LSP)",
        "units": units or apl02_units(jabatan_kerja_code, jk["name"]),
    }
