"""The options of the form's pickers, from the reference data, and the cascades between them
(province -> regency; LSP -> klasifikasi -> subklasifikasi -> jabatan kerja -> kualifikasi ->
jenjang; LSP -> TUK).

Every option carries, for each parent picker, the parent values under which it may be chosen.
The server renders all options and hides those the current choice rules out; ``form.js`` does the
same in the browser as soon as a parent changes (``data-parents`` on the select names the parent
inputs, ``data-keys`` on each option lists the accepted values per parent, ``;``-separated). A
parent left empty rules nothing out, except for a picker that needs its parent (``data-needs-parent``:
no regency before a province).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from shared.reference import KUALIFIKASI_JENJANG, ReferenceData, get_reference


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    keys: tuple[frozenset[str], ...] = ()

    @property
    def keys_attr(self) -> str:
        return ";".join(" ".join(sorted(k)) for k in self.keys)

    def allowed(self, parent_values: tuple[str, ...], needs_parent: bool = False) -> bool:
        if needs_parent and not all(parent_values):
            return False
        return all(not v or v in k for v, k in zip(parent_values, self.keys, strict=False))


@dataclass(frozen=True)
class Picker:
    parents: tuple[str, ...]  # field names in the same section or item
    options: tuple[Option, ...]
    needs_parent: bool = False  # nothing to choose until the parents are chosen (regencies)


@dataclass(frozen=True)
class OptionView:
    value: str
    label: str
    keys: str
    selected: bool
    hidden: bool


def _lsps_by_jabatan(ref: ReferenceData) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for lsp in ref.lsps.values():
        for code in lsp["jabatan_kerja_codes"]:
            out.setdefault(code, set()).add(str(lsp["code"]))
    return {k: frozenset(v) for k, v in out.items()}


@cache
def pickers() -> dict[str, Picker]:
    """Every picker by name (labels of gender and jenjang are the page's, from the catalogue)."""
    ref = get_reference()
    by_jk = _lsps_by_jabatan(ref)
    jks = ref.jabatan_kerja.values()
    by_sub: dict[str, set[str]] = {}
    by_klas: dict[str, set[str]] = {}
    for jk in jks:
        sub = str(jk["subklasifikasi_code"])
        lsps = by_jk.get(str(jk["code"]), frozenset())
        by_sub.setdefault(sub, set()).update(lsps)
        by_klas.setdefault(str(ref.subklasifikasi[sub]["klasifikasi_code"]), set()).update(lsps)
    klas = tuple(Option(str(k["code"]), f"{k['code']} - {k['name']}", (frozenset(by_klas.get(str(k["code"]), ())),))
                 for k in ref.klasifikasi.values())
    subs = tuple(Option(str(s["code"]), f"{s['code']} - {s['name']}",
                        (frozenset(by_sub.get(str(s["code"]), ())), frozenset({str(s["klasifikasi_code"])})))
                 for s in ref.subklasifikasi.values())
    jabatan = tuple(Option(str(j["code"]), f"{j['code']} - {j['name']} ({j['kualifikasi']}, jenjang "
                           f"{', '.join(str(n) for n in j['jenjang'])})",
                           (by_jk.get(str(j["code"]), frozenset()),
                            frozenset({str(ref.subklasifikasi[j["subklasifikasi_code"]]["klasifikasi_code"])}),
                            frozenset({str(j["subklasifikasi_code"])})))
                    for j in jks)
    kualifikasi = tuple(Option(name, f"{name} (jenjang {lo}-{hi})",
                               (frozenset(str(j["code"]) for j in jks if j["kualifikasi"] == name),))
                        for name, (lo, hi) in KUALIFIKASI_JENJANG.items())
    jenjang = tuple(Option(str(n), f"Jenjang {n}",
                           (frozenset(str(j["code"]) for j in jks if n in j["jenjang"]),
                            frozenset(k for k, (lo, hi) in KUALIFIKASI_JENJANG.items() if lo <= n <= hi)))
                    for n in range(1, 10))
    return {
        "gender": Picker((), (Option("L", "L"), Option("P", "P"))),
        "province": Picker((), tuple(Option(str(p["code"]), str(p["name"])) for p in ref.provinces.values())),
        "regency": Picker(("province_code",), tuple(
            Option(str(r["code"]), str(r["name"]), (frozenset({str(r["province_code"])}),))
            for r in ref.regencies.values()), needs_parent=True),
        "education_level": Picker((), tuple(
            Option(str(e["code"]), f"{e['code']} - {e['name']}")
            for e in sorted(ref.education_levels.values(), key=lambda e: int(e["rank"])))),
        "lsp": Picker((), tuple(Option(str(x["code"]), f"{x['code']} - {x['name']}") for x in ref.lsps.values())),
        "klasifikasi": Picker(("lsp_code",), klas),
        "subklasifikasi": Picker(("lsp_code", "klasifikasi_code"), subs),
        "jabatan_kerja": Picker(("lsp_code", "klasifikasi_code", "subklasifikasi_code"), jabatan),
        "kualifikasi": Picker(("jabatan_kerja_code",), kualifikasi),
        "jenjang": Picker(("jabatan_kerja_code", "kualifikasi"), jenjang),
        "asosiasi": Picker((), tuple(Option(str(a["code"]), f"{a['code']} - {a['name']}")
                                     for a in ref.asosiasi.values())),
        "tuk": Picker(("lsp_code",), tuple(
            Option(str(t["code"]), f"{t['name']} ({t['kind']})", (frozenset({str(t["lsp_code"])}),))
            for t in ref.tuks.values())),
    }


def option_views(picker: Picker, value: str, parent_values: tuple[str, ...]) -> list[OptionView]:
    """The options as rendered: the chosen one selected (shown even if the parents rule it out,
    so that the applicant sees what is stored and the error beside it)."""
    return [OptionView(o.value, o.label, o.keys_attr, o.value == value,
                       not o.allowed(parent_values, picker.needs_parent) and o.value != value)
            for o in picker.options]


def parent_values(picker: Picker, values: Mapping[str, str], prefix: str) -> tuple[str, ...]:
    return tuple(values.get(prefix + p, "") for p in picker.parents)
