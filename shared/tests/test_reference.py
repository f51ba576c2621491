"""Integrity of the seed reference data in ``shared/reference/data`` (no network)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pytest

from shared.reference import DATA_DIR, KUALIFIKASI_JENJANG, MANAJEMEN_PELAKSANAAN, check_qualification, get_reference

REF = get_reference()
KUALIFIKASI_DIGIT = {"1": "Ahli", "2": "Teknisi/Analis", "3": "Operator"}
JABATAN_CODE = re.compile(r"^(?P<sub>[A-Z]{2}\d{2})(?P<digit>[123])\d{3}$")

# Codes other parts of the chain (and their tests) rely on.
KEPT = {
    "provinces": {"31", "32"},
    "regencies": {"31.71", "32.73"},
    "klasifikasi": {"AR", "SI", "ME", "TL", "MP", "LI", "PW", "SR"},
    "subklasifikasi": {f"SI{n:02d}" for n in (1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 22, 23)},
    "jabatan_kerja": {"SI011002", "SI012001", "SI012022", "SI013015"},
    "lsps": {"LSP-A", "LSP-B"},
    "tuks": {"TUK-A-01", "TUK-B-01"},
    "asosiasi": {"HAKI"},
    "education_levels": {"SD", "SMP", "SMA", "SMK", "SMK_PLUS", "D1", "D2", "D3", "D4", "S1", "S2", "S3"},
}


def _raw(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "name",
    ["provinces", "regencies", "klasifikasi", "subklasifikasi", "jabatan_kerja", "kualifikasi",
     "education_levels", "lsps", "tuks", "asosiasi"],
)
def test_every_item_has_a_unique_code_and_a_name(name: str) -> None:
    items = _raw(name)
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes)), f"duplicate codes in {name}"
    assert all(isinstance(i["code"], str) and i["code"] for i in items)
    assert all(isinstance(i["name"], str) and i["name"].strip() for i in items)
    assert KEPT.get(name, set()) <= set(codes)


def test_region_counts() -> None:
    assert len(REF.provinces) == 38
    assert len(REF.regencies) == 514
    kinds = [r["name"].split()[0] for r in REF.regencies.values()]
    assert kinds.count("Kota") == 98
    assert kinds.count("Kabupaten") == 416


def test_every_regency_belongs_to_a_known_province_and_carries_its_code() -> None:
    for code, regency in REF.regencies.items():
        assert re.fullmatch(r"\d{2}\.\d{2}", code), code
        assert regency["province_code"] in REF.provinces, code
        assert code.startswith(regency["province_code"] + "."), code
        # Kemendagri: 01-69 kabupaten, 71-99 kota.
        assert (int(code[3:]) >= 71) == regency["name"].startswith("Kota"), code
    assert {r["province_code"] for r in REF.regencies.values()} == set(REF.provinces)


def test_papua_provinces_after_2022() -> None:
    papua = {c: p["name"] for c, p in REF.provinces.items() if c.startswith("9")}
    assert papua == {
        "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan",
        "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
    }
    assert REF.regencies["93.01"]["name"] == "Kabupaten Merauke"
    assert REF.regencies["96.71"]["name"] == "Kota Sorong"


def test_known_region_names() -> None:
    assert REF.provinces["11"]["name"] == "Aceh"
    assert REF.regencies["11.01"]["name"] == "Kabupaten Aceh Selatan"
    assert REF.regencies["11.71"]["name"] == "Kota Banda Aceh"
    assert REF.regencies["32.73"]["name"] == "Kota Bandung"
    # Kemendagri numbers the Jakarta cities differently from BPS: 31.71 is Jakarta Pusat, 31.74 Jakarta Selatan.
    assert "Jakarta Pusat" in REF.regencies["31.71"]["name"]
    assert "Jakarta Selatan" in REF.regencies["31.74"]["name"]


def test_every_subklasifikasi_belongs_to_a_known_klasifikasi_and_carries_its_prefix() -> None:
    for code, sub in REF.subklasifikasi.items():
        assert re.fullmatch(r"[A-Z]{2}\d{2}", code), code
        assert sub["klasifikasi_code"] in REF.klasifikasi, code
        assert code[:2] == sub["klasifikasi_code"], code
    assert {s["klasifikasi_code"] for s in REF.subklasifikasi.values()} == set(REF.klasifikasi)


def test_kualifikasi_table_matches_the_rule_bounds() -> None:
    assert {k: (v["jenjang_min"], v["jenjang_max"]) for k, v in REF.kualifikasi.items()} == KUALIFIKASI_JENJANG


@pytest.mark.parametrize("code", sorted(REF.jabatan_kerja))
def test_jabatan_kerja_is_consistent(code: str) -> None:
    jk = REF.jabatan_kerja[code]
    m = JABATAN_CODE.fullmatch(code)
    assert m, code
    assert jk["subklasifikasi_code"] == m["sub"]
    assert jk["subklasifikasi_code"] in REF.subklasifikasi
    assert jk["kualifikasi"] == KUALIFIKASI_DIGIT[m["digit"]]
    low, high = KUALIFIKASI_JENJANG[jk["kualifikasi"]]
    assert jk["jenjang"], code
    assert all(isinstance(j, int) and low <= j <= high for j in jk["jenjang"]), code
    assert len(set(jk["jenjang"])) == len(jk["jenjang"])


def test_required_jabatan_kerja() -> None:
    jk = REF.jabatan_kerja
    arsitek = {jk[c]["name"]: jk[c]["jenjang"] for c in ("AR011001", "AR011002", "AR011003")}
    assert arsitek == {"Arsitek Utama": [9], "Arsitek Madya": [8], "Arsitek Muda": [7]}
    assert jk["AR012001"]["name"] == "Asisten Pemula Arsitek" and jk["AR012001"]["jenjang"] == [6]
    juru_gambar = {tuple(j["jenjang"]): j["kualifikasi"] for j in jk.values()
                   if "Juru Gambar" in j["name"] and j["subklasifikasi_code"] == "AR01"}
    assert juru_gambar == {(4,): "Teknisi/Analis", (3,): "Operator", (2,): "Operator"}
    teknik_jalan = [j for j in jk.values() if j["name"].endswith("Teknik Jalan")]
    assert teknik_jalan and all(j["skkni"] == "SKKNI 126-2021" for j in teknik_jalan)


def _spread(kualifikasi: str) -> dict[str, set[str]]:
    spread: dict[str, set[str]] = defaultdict(set)
    for j in REF.jabatan_kerja.values():
        if j["kualifikasi"] == kualifikasi:
            spread[REF.subklasifikasi[j["subklasifikasi_code"]]["klasifikasi_code"]].add(j["subklasifikasi_code"])
    return spread


def test_enough_spread_for_the_ownership_limit_rules() -> None:
    operator = _spread("Operator")
    assert len(operator) >= 4 and sum(map(len, operator.values())) >= 6
    teknisi = _spread("Teknisi/Analis")
    assert len(teknisi) >= 3 and sum(map(len, teknisi.values())) >= 6
    ahli = _spread("Ahli")
    assert len(ahli[MANAJEMEN_PELAKSANAAN]) >= 3
    others = {k: v for k, v in ahli.items() if k != MANAJEMEN_PELAKSANAAN}
    assert len(others) >= 3
    assert max(map(len, others.values())) >= 4
    mp_names = {j["name"] for j in REF.jabatan_kerja.values()
                if j["subklasifikasi_code"].startswith(MANAJEMEN_PELAKSANAAN) and j["kualifikasi"] == "Ahli"}
    assert len(mp_names) >= 4


def test_every_licence_references_a_known_jabatan_kerja() -> None:
    for lsp in REF.lsps.values():
        codes = lsp["jabatan_kerja_codes"]
        assert codes and len(codes) == len(set(codes)), lsp["code"]
        assert set(codes) <= set(REF.jabatan_kerja), lsp["code"]


def test_lsp_b_has_a_different_scope() -> None:
    a = set(REF.lsps["LSP-A"]["jabatan_kerja_codes"])
    b = set(REF.lsps["LSP-B"]["jabatan_kerja_codes"])
    assert a != b
    assert {"SI011002", "SI012022"} <= b
    assert not REF.lsp_licensed_for("LSP-B", "SI012001")
    assert not REF.lsp_licensed_for("LSP-B", "SI013015")
    assert REF.lsp_licensed_for("LSP-A", "SI013015")


def test_every_tuk_references_a_known_lsp_and_regency() -> None:
    per_lsp: dict[str, set[str]] = defaultdict(set)
    for code, tuk in REF.tuks.items():
        assert re.fullmatch(r"TUK-[A-Z]-\d{2}", code), code
        assert tuk["lsp_code"] in REF.lsps, code
        assert code.startswith("TUK-" + tuk["lsp_code"].removeprefix("LSP-") + "-"), code
        assert tuk["regency_code"] in REF.regencies, code
        assert tuk["kind"] in {"Sewaktu", "Tempat Kerja", "Mandiri"}, code
        per_lsp[tuk["lsp_code"]].add(tuk["kind"])
    assert all(per_lsp[lsp] == {"Sewaktu", "Tempat Kerja", "Mandiri"} for lsp in REF.lsps)


def test_asosiasi() -> None:
    assert 8 <= len(REF.asosiasi) <= 15
    assert {"HAKI", "PII", "IAI"} <= set(REF.asosiasi)


def test_education_levels_keep_their_rank() -> None:
    rank = REF.education_rank
    assert rank("SMA") == rank("SMK") < rank("SMK_PLUS") < rank("D1") < rank("D2") < rank("D3")
    assert rank("D3") < rank("D4") == rank("S1") < rank("S2") < rank("S3")
    assert rank("UNKNOWN") == 0


def _options(jenjang: int) -> set[tuple[str, int]]:
    return {(o["education_level"], o["min_years"]) for o in REF.requirement_options(jenjang)}


def test_requirements() -> None:
    rows = {int(r["jenjang"]): r for r in REF.requirements}
    assert set(rows) == set(range(1, 10))
    for jenjang, row in rows.items():
        assert row["options"], jenjang
        for option in row["options"]:
            assert option["education_level"] in REF.education_levels
            assert isinstance(option["min_years"], int) and option["min_years"] >= 0
        if jenjang not in (4, 6, 7):
            assert row["source"] == "default, configurable (no public source)"
    assert _options(7) == {("S1", 2), ("D4", 2)}
    assert _options(6) == {("S1", 0), ("D3", 4), ("D2", 8), ("D1", 12)}
    assert _options(4) == {("D2", 0), ("D1", 2), ("SMK_PLUS", 2), ("SMK", 4), ("SMA", 6)}


def _choice(**overrides: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {
        "lsp_code": "LSP-A", "klasifikasi_code": "SI", "subklasifikasi_code": "SI03",
        "kualifikasi": "Ahli", "jabatan_kerja_code": "SI031018", "jenjang": 7,
    }
    choice.update(overrides)
    return choice


@pytest.mark.parametrize("choice", [
    _choice(),
    _choice(lsp_code="LSP-B"),
    _choice(klasifikasi_code="AR", subklasifikasi_code="AR01", jabatan_kerja_code="AR011002", jenjang=8),
    _choice(klasifikasi_code="MP", subklasifikasi_code="MP01", jabatan_kerja_code="MP011001"),
    _choice(klasifikasi_code="AR", subklasifikasi_code="AR01", kualifikasi="Operator",
            jabatan_kerja_code="AR013004", jenjang=2),
    _choice(subklasifikasi_code="SI01", kualifikasi="Operator", jabatan_kerja_code="SI013015", jenjang=2),
])
def test_check_qualification_accepts_a_consistent_choice(choice: dict[str, Any]) -> None:
    assert check_qualification(REF, **choice) == []


@pytest.mark.parametrize(("choice", "field"), [
    (_choice(klasifikasi_code="ZZ"), "qualification.klasifikasi_code"),
    (_choice(klasifikasi_code="ME"), "qualification.subklasifikasi_code"),
    (_choice(subklasifikasi_code="SI04"), "qualification.jabatan_kerja_code"),
    (_choice(jabatan_kerja_code="SI039999"), "qualification.jabatan_kerja_code"),
    (_choice(jenjang=8), "qualification.jenjang"),
    (_choice(jenjang=4), "qualification.jenjang"),
    (_choice(kualifikasi="Teknisi/Analis", jenjang=6), "qualification.kualifikasi"),
    (_choice(kualifikasi="Manajer"), "qualification.kualifikasi"),
    (_choice(lsp_code="LSP-Z"), "qualification.lsp_code"),
    (_choice(lsp_code="LSP-B", subklasifikasi_code="SI01", kualifikasi="Operator",
             jabatan_kerja_code="SI013015", jenjang=2), "qualification.lsp_code"),
    (_choice(lsp_code="LSP-B", subklasifikasi_code="SI01", kualifikasi="Teknisi/Analis",
             jabatan_kerja_code="SI012001", jenjang=6), "qualification.lsp_code"),
])
def test_check_qualification_refuses_an_inconsistent_choice(choice: dict[str, Any], field: str) -> None:
    errors = check_qualification(REF, **choice)
    assert errors
    assert field in {e["field"] for e in errors}
    assert all(e["message"] for e in errors)


def test_as_api_lists_every_table() -> None:
    body = REF.as_api()
    assert len(body["provinces"]) == 38
    assert len(body["regencies"]) == 514
    assert all("province_code" in r for r in body["regencies"])
    assert all("klasifikasi_code" in s for s in body["subklasifikasi"])
    assert all({"subklasifikasi_code", "kualifikasi", "jenjang"} <= set(j) for j in body["jabatan_kerja"])
    assert all("jabatan_kerja_codes" in lsp for lsp in body["lsps"])
    assert all("lsp_code" in t for t in body["tuks"])
