"""Acceptance against the scheme's requirements (domain/requirements.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.lsp.domain.experience import ExperienceKinds
from services.lsp.domain.precheck import OptionResult, PrecheckResult, run_precheck
from services.lsp.domain.requirements import (
    EDUCATION,
    EXPERIENCE,
    OVERRIDE_REASON_MAX,
    OVERRIDE_REASON_MIN,
    REQUIREMENTS,
    clean_override_reason,
    override_note,
    override_reason_problem,
    refusal_detail,
    shortfalls,
)
from shared.reference import get_reference

RANK = get_reference().education_rank
J7 = [{"education_level": "S1", "min_years": 2}, {"education_level": "D4", "min_years": 2}]
J6 = [{"education_level": "S1", "min_years": 0}, {"education_level": "D3", "min_years": 4},
      {"education_level": "D2", "min_years": 8}, {"education_level": "D1", "min_years": 12}]


def check(level: str | None, *periods: tuple[str, str | None], jenjang: int = 7, kualifikasi: str = "Ahli",
          options: list[dict[str, Any]] | None = None, kind: str = "professional") -> PrecheckResult:
    sections = {
        "education": {"items": [{"level": level}] if level else []},
        "experience": {"items": [{"experience_kind": kind, "start_date": s, "end_date": e} for s, e in periods]},
    }
    return run_precheck(jenjang=jenjang, kualifikasi=kualifikasi, options=J7 if options is None else options,
                        sections=sections, education_rank=RANK, as_of=date(2025, 1, 1), kinds=ExperienceKinds())


def test_met_requirements_have_no_shortfall() -> None:
    assert shortfalls(check("S1", ("2020-01-01", "2023-12-31"))) == []
    assert shortfalls(check("S2", ("2020-01-01", "2023-12-31"))) == []  # higher than asked is fine


def test_education_only() -> None:
    found = shortfalls(check("D3", ("2010-01-01", "2020-12-31")))
    assert [s.requirement for s in found] == [EDUCATION]
    assert "D3" in found[0].message and "S1, D4" in found[0].message and "jenjang 7" in found[0].message
    assert "pendidikan tertinggi D3" in found[0].pesan and "minimal S1, D4" in found[0].pesan


def test_no_education_given() -> None:
    found = shortfalls(check(None, ("2010-01-01", "2020-12-31")))
    assert [s.requirement for s in found] == [EDUCATION]
    assert "no education level" in found[0].message


def test_experience_only() -> None:
    found = shortfalls(check("S1", ("2024-01-01", "2024-06-30")))
    assert [s.requirement for s in found] == [EXPERIENCE]
    msg = found[0].message
    assert "0.5 years of professional experience" in msg and "with S1 needs at least 2 years" in msg
    assert "pengalaman profesional yang dihitung 0.5 tahun" in found[0].pesan
    assert "minimal 2 tahun" in found[0].pesan


def test_wrong_kind_is_an_experience_shortfall() -> None:
    found = shortfalls(check("S1", ("2015-01-01", "2023-12-31"), kind="kerja"))
    assert [s.requirement for s in found] == [EXPERIENCE]
    assert "0 years of professional experience" in found[0].message


def test_both_fail() -> None:
    found = shortfalls(check("SMA", ("2024-01-01", "2024-03-31")))
    assert [s.requirement for s in found] == [EDUCATION, EXPERIENCE]
    # Failing education, the smallest need of any option is named, without a level.
    assert "jenjang 7 needs at least 2 years" in found[1].message and " with " not in found[1].message


def test_several_options_name_the_smallest_need_for_the_level_held() -> None:
    # D3 + 2 years for jenjang 6: S1 + 0 is out of reach (education); D3 asks 4 years.
    found = shortfalls(check("D3", ("2023-01-01", "2024-12-31"), jenjang=6, kualifikasi="Teknisi/Analis",
                             options=J6, kind="kerja"))
    assert [s.requirement for s in found] == [EXPERIENCE]
    assert "with D3 needs at least 4 years" in found[0].message
    assert "work experience" in found[0].message and "pengalaman kerja" in found[0].pesan
    # D1 + 13 years: met through the D1 option.
    assert shortfalls(check("D1", ("2011-01-01", "2024-12-31"), jenjang=6, kualifikasi="Teknisi/Analis",
                            options=J6, kind="kerja")) == []


def test_scheme_without_options() -> None:
    found = shortfalls(check("S1", ("2010-01-01", "2020-01-01"), jenjang=5, options=[]))
    assert [s.requirement for s in found] == [REQUIREMENTS]
    assert "no requirement options for jenjang 5" in found[0].message


def test_result_without_option_years_falls_back_to_the_total() -> None:
    r = PrecheckResult(False, 7, "S1", 1.5, "professional",
                       [OptionResult("S1", 2, True, False)], [], ["professional"])
    assert "1.5 years of professional experience" in shortfalls(r)[0].message


def test_as_dict_and_detail() -> None:
    found = shortfalls(check("D3", ("2024-01-01", "2024-06-30")))
    assert found[0].as_dict().keys() == {"requirement", "message", "pesan"}
    detail = refusal_detail(found)
    assert detail.startswith("cannot accept") and "override_reason" in detail and "education" in detail
    note = override_note(found, "Pengalaman setara dibuktikan dengan portofolio")
    assert note.startswith("Persyaratan dasar tidak terpenuhi (pendidikan")
    assert note.endswith("Alasan: Pengalaman setara dibuktikan dengan portofolio")


@pytest.mark.parametrize(("raw", "problem"), [
    (None, None),
    ("Pengalaman setara dari proyek negara", None),
    ("  Pengalaman setara dari proyek negara  ", None),
    ("a" * OVERRIDE_REASON_MIN, None),
    ("a" * OVERRIDE_REASON_MAX, None),
    ("", "blank"),
    ("   \t ", "blank"),
    ("terlalu", "at least"),
    ("a" * (OVERRIDE_REASON_MAX + 1), "at most"),
    ("Alasan panjang\nbaris kedua", "control"),
    ("Alasan panjang\x00sekali", "control"),
    ("Alasan \u202epanjang sekali", "U+202E"),
    ("Alasan\u200bpanjang sekali", "U+200B"),
])
def test_override_reason(raw: str | None, problem: str | None) -> None:
    found = override_reason_problem(raw)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_clean_override_reason() -> None:
    assert clean_override_reason(None) is None
    assert clean_override_reason("  Alasan yang cukup  ") == "Alasan yang cukup"
