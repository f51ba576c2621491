"""Reference data of the chain (regions, klasifikasi, jabatan kerja, LSP licences, ...),
loaded from the JSON files in ``data/`` (facts from public regulations; see ``data/SOURCES.md``),
and the consistency rules every party checks against it (SPEC section 3, "Consistency")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

DATA_DIR = Path(__file__).parent / "data"

KUALIFIKASI_JENJANG: dict[str, tuple[int, int]] = {
    "Operator": (1, 3),
    "Teknisi/Analis": (4, 6),
    "Ahli": (7, 9),
}
# The klasifikasi the PP 14/2021 Ahli rule names.
MANAJEMEN_PELAKSANAAN = "MP"


@dataclass(frozen=True)
class ReferenceData:
    provinces: dict[str, dict[str, Any]]
    regencies: dict[str, dict[str, Any]]
    klasifikasi: dict[str, dict[str, Any]]
    subklasifikasi: dict[str, dict[str, Any]]
    jabatan_kerja: dict[str, dict[str, Any]]
    kualifikasi: dict[str, dict[str, Any]]
    education_levels: dict[str, dict[str, Any]]
    lsps: dict[str, dict[str, Any]]
    tuks: dict[str, dict[str, Any]]
    asosiasi: dict[str, dict[str, Any]]
    requirements: list[dict[str, Any]] = field(default_factory=list)

    def as_api(self) -> dict[str, list[dict[str, Any]]]:
        """The body of ``list_reference_data``."""
        return {
            "provinces": list(self.provinces.values()),
            "regencies": list(self.regencies.values()),
            "klasifikasi": list(self.klasifikasi.values()),
            "subklasifikasi": list(self.subklasifikasi.values()),
            "kualifikasi": list(self.kualifikasi.values()),
            "jabatan_kerja": list(self.jabatan_kerja.values()),
            "education_levels": list(self.education_levels.values()),
            "lsps": list(self.lsps.values()),
            "tuks": list(self.tuks.values()),
            "asosiasi": list(self.asosiasi.values()),
        }

    def education_rank(self, level: str) -> int:
        item = self.education_levels.get(level)
        return int(item["rank"]) if item else 0

    def lsp_licensed_for(self, lsp_code: str, jabatan_kerja_code: str) -> bool:
        lsp = self.lsps.get(lsp_code)
        return lsp is not None and jabatan_kerja_code in lsp["jabatan_kerja_codes"]

    def requirement_options(self, jenjang: int) -> list[dict[str, Any]]:
        """Default scheme requirements for a jenjang: ``[{"education_level", "min_years"}]``."""
        for row in self.requirements:
            if int(row["jenjang"]) == jenjang:
                return list(row["options"])
        return []


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(i["code"]): i for i in items}


@lru_cache(maxsize=1)
def get_reference() -> ReferenceData:
    return ReferenceData(
        provinces=_by_code(_load("provinces")),
        regencies=_by_code(_load("regencies")),
        klasifikasi=_by_code(_load("klasifikasi")),
        subklasifikasi=_by_code(_load("subklasifikasi")),
        jabatan_kerja=_by_code(_load("jabatan_kerja")),
        kualifikasi=_by_code(_load("kualifikasi")),
        education_levels=_by_code(_load("education_levels")),
        lsps=_by_code(_load("lsps")),
        tuks=_by_code(_load("tuks")),
        asosiasi=_by_code(_load("asosiasi")),
        requirements=_load("requirements"),
    )


class HolderFacts(Protocol):
    """What BNSP and LPJK are told of a certificate holder and their qualification."""

    @property
    def lsp_code(self) -> str: ...

    @property
    def klasifikasi_code(self) -> str: ...

    @property
    def subklasifikasi_code(self) -> str: ...

    @property
    def kualifikasi(self) -> str: ...

    @property
    def jabatan_kerja_code(self) -> str: ...

    @property
    def jenjang(self) -> int: ...

    @property
    def nik(self) -> str: ...

    @property
    def full_name(self) -> str: ...


def holder_fact_errors(ref: ReferenceData, facts: HolderFacts) -> list[dict[str, str]]:
    """Every problem of an issuance plan or a recording request's facts, naming top-level fields."""
    errors = check_qualification(
        ref,
        lsp_code=facts.lsp_code,
        klasifikasi_code=facts.klasifikasi_code,
        subklasifikasi_code=facts.subklasifikasi_code,
        kualifikasi=facts.kualifikasi,
        jabatan_kerja_code=facts.jabatan_kerja_code,
        jenjang=facts.jenjang,
        prefix="",
    )
    if not (len(facts.nik) == 16 and facts.nik.isdigit()):
        errors.append({"field": "nik", "message": "NIK must be exactly 16 digits"})
    if not facts.full_name.strip():
        errors.append({"field": "full_name", "message": "full_name must not be empty"})
    return errors


def check_qualification(
    ref: ReferenceData,
    *,
    lsp_code: str,
    klasifikasi_code: str,
    subklasifikasi_code: str,
    kualifikasi: str,
    jabatan_kerja_code: str,
    jenjang: int,
    prefix: str = "qualification.",
) -> list[dict[str, str]]:
    """Every consistency problem of a chosen qualification, each naming its field."""
    errors: list[dict[str, str]] = []

    def err(f: str, msg: str) -> None:
        errors.append({"field": prefix + f, "message": msg})

    if klasifikasi_code not in ref.klasifikasi:
        err("klasifikasi_code", f"unknown klasifikasi {klasifikasi_code!r}")
    sub = ref.subklasifikasi.get(subklasifikasi_code)
    if sub is None:
        err("subklasifikasi_code", f"unknown subklasifikasi {subklasifikasi_code!r}")
    elif sub["klasifikasi_code"] != klasifikasi_code:
        err("subklasifikasi_code",
            f"subklasifikasi {subklasifikasi_code} does not belong to klasifikasi {klasifikasi_code}")
    bounds = KUALIFIKASI_JENJANG.get(kualifikasi)
    if bounds is None:
        err("kualifikasi", f"unknown kualifikasi {kualifikasi!r}; one of {', '.join(KUALIFIKASI_JENJANG)}")
    elif not bounds[0] <= jenjang <= bounds[1]:
        err("jenjang", f"jenjang {jenjang} does not match kualifikasi {kualifikasi} ({bounds[0]}-{bounds[1]})")
    jk = ref.jabatan_kerja.get(jabatan_kerja_code)
    if jk is None:
        err("jabatan_kerja_code", f"unknown jabatan kerja {jabatan_kerja_code!r}")
    else:
        if jk["subklasifikasi_code"] != subklasifikasi_code:
            err("jabatan_kerja_code",
                f"jabatan kerja {jabatan_kerja_code} does not belong to subklasifikasi {subklasifikasi_code}")
        if jenjang not in jk["jenjang"]:
            err("jenjang", f"jabatan kerja {jabatan_kerja_code} has no jenjang {jenjang} (has {jk['jenjang']})")
        if bounds is not None and jk["kualifikasi"] != kualifikasi:
            err("kualifikasi", f"jabatan kerja {jabatan_kerja_code} is {jk['kualifikasi']}, not {kualifikasi}")
    if lsp_code not in ref.lsps:
        err("lsp_code", f"unknown LSP {lsp_code!r}")
    elif jk is not None and not ref.lsp_licensed_for(lsp_code, jabatan_kerja_code):
        err("lsp_code", f"LSP {lsp_code} is not licensed for jabatan kerja {jabatan_kerja_code}")
    return errors
