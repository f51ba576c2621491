"""Which kinds of experience count (domain/experience.py) and how the pre-check uses them."""

from __future__ import annotations

from datetime import date

import pytest

from services.lsp.domain.experience import (
    DEFAULT_KINDS_BY_KUALIFIKASI,
    PROFESSIONAL,
    WORK,
    ExperienceKinds,
    label,
    label_id,
    normalise,
)
from services.lsp.domain.precheck import run_precheck
from shared.reference import get_reference

RANK = get_reference().education_rank
KINDS = ExperienceKinds()
J7 = [{"education_level": "S1", "min_years": 2}, {"education_level": "D4", "min_years": 2}]


@pytest.mark.parametrize(("raw", "expected"), [
    ("professional", PROFESSIONAL), ("Professional", PROFESSIONAL), ("profesional", PROFESSIONAL),
    ("Pengalaman Profesional", PROFESSIONAL), ("pengalaman_profesional", PROFESSIONAL),
    ("  PROFESSIONAL  ", PROFESSIONAL), ("work", WORK), ("kerja", WORK), ("Pengalaman-Kerja", WORK),
    ("work experience", WORK), ("", None), (None, None), ("magang", None), ("proyek", None), (12, None),
])
def test_canonical_kinds(raw: object, expected: str | None) -> None:
    assert KINDS.canonical(raw) == expected


def test_normalise() -> None:
    assert normalise(" Pengalaman__Kerja\t") == "pengalaman kerja"
    assert normalise(None) == ""


def test_counted_kinds_per_kualifikasi_and_option() -> None:
    assert KINDS.counted("Ahli") == frozenset({PROFESSIONAL})
    assert KINDS.counted("Teknisi/Analis") == frozenset({WORK, PROFESSIONAL})
    assert KINDS.counted("Operator") == frozenset({WORK, PROFESSIONAL})
    assert KINDS.counted("Unknown") is None  # not configured: every kind counts
    # A scheme's option naming its own kinds wins over the kualifikasi's.
    assert KINDS.counted("Teknisi/Analis", {"experience_kinds": ["professional"]}) == frozenset({PROFESSIONAL})
    assert KINDS.counted("Ahli", {"experience_kinds": []}) == frozenset({PROFESSIONAL})  # empty: default
    assert KINDS.counted("Ahli", {"experience_kinds": "professional"}) == frozenset({PROFESSIONAL})  # not a list


def test_counts() -> None:
    ahli = KINDS.counted("Ahli")
    assert KINDS.counts("profesional", ahli)
    assert not KINDS.counts("kerja", ahli)
    assert not KINDS.counts(None, ahli)
    assert KINDS.counts("kerja", KINDS.counted("Operator"))
    assert KINDS.counts("professional", KINDS.counted("Operator"))
    assert not KINDS.counts("magang", KINDS.counted("Operator"))
    assert KINDS.counts("anything", None)


def test_configured_tables() -> None:
    custom = ExperienceKinds(aliases={"lapangan": ["field work"], WORK: ["kerja"]},
                             by_kualifikasi={"Ahli": ["lapangan"]})
    assert custom.canonical("Field_Work") == "lapangan"
    assert custom.canonical("professional") is None
    assert custom.counted("Ahli") == frozenset({"lapangan"})
    assert custom.counted("Operator") is None
    assert DEFAULT_KINDS_BY_KUALIFIKASI["Ahli"] == [PROFESSIONAL]


def test_labels() -> None:
    assert label(frozenset({PROFESSIONAL})) == "professional"
    assert label(frozenset({PROFESSIONAL, WORK})) == "work"
    assert label(None) == "any"
    assert label(frozenset({"a", "b"})) == "a or b"
    assert label_id(frozenset({PROFESSIONAL})) == "pengalaman profesional"
    assert label_id(frozenset({WORK, PROFESSIONAL})) == "pengalaman kerja"
    assert label_id(None) == "pengalaman"


def _sections(*items: tuple[str | None, str, str | None], level: str = "S1") -> dict[str, object]:
    return {"education": {"items": [{"level": level}]},
            "experience": {"items": [{"experience_kind": k, "start_date": s, "end_date": e} for k, s, e in items]}}


def test_ahli_counts_only_professional_experience() -> None:
    sections = _sections(("kerja", "2015-01-01", "2019-12-31"), ("professional", "2023-01-01", "2023-12-31"))
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, sections=sections, education_rank=RANK,
                     as_of=date(2025, 1, 1), kinds=KINDS)
    assert not r.passed
    assert 0.9 < r.experience_years < 1.1  # the five years of "kerja" do not count for Ahli
    assert r.experience_kinds == ["professional"]
    assert r.options[0].experience_years == r.experience_years
    assert any("experience.items.0" in m and "not counted for Ahli" in m for m in r.messages)
    # Without the kinds table (the caller did not give one) every item counts, as before.
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, sections=sections, education_rank=RANK,
                     as_of=date(2025, 1, 1))
    assert r.passed and r.experience_kinds is None


def test_teknisi_counts_work_and_professional() -> None:
    options = [{"education_level": "D3", "min_years": 4}]
    sections = _sections(("kerja", "2018-01-01", "2019-12-31"), ("profesional", "2020-01-01", "2021-12-31"),
                         ("magang", "2010-01-01", "2017-12-31"), level="D3")
    r = run_precheck(jenjang=6, kualifikasi="Teknisi/Analis", options=options, sections=sections,
                     education_rank=RANK, as_of=date(2025, 1, 1), kinds=KINDS)
    assert r.passed
    assert 3.9 < r.experience_years < 4.1  # the internship (an unknown kind) is not counted
    assert any("experience.items.2" in m and "'magang'" in m for m in r.messages)


def test_option_with_its_own_kinds() -> None:
    options = [{"education_level": "D3", "min_years": 3, "experience_kinds": ["professional"]},
               {"education_level": "SMK", "min_years": 5}]
    sections = _sections(("kerja", "2018-01-01", "2019-12-31"), ("profesional", "2020-01-01", "2021-12-31"),
                         level="D3")
    r = run_precheck(jenjang=6, kualifikasi="Teknisi/Analis", options=options, sections=sections,
                     education_rank=RANK, as_of=date(2025, 1, 1), kinds=KINDS)
    first, second = r.options
    assert 1.9 < (first.experience_years or 0) < 2.1 and not first.experience_ok
    assert 3.9 < (second.experience_years or 0) < 4.1 and not second.experience_ok
    assert not r.passed


def test_ongoing_job_counts_to_as_of() -> None:
    sections = _sections(("professional", "2023-01-01", None))
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, sections=sections, education_rank=RANK,
                     as_of=date(2024, 12, 31), kinds=KINDS)
    assert r.passed and 1.99 < r.experience_years < 2.01
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, sections=sections, education_rank=RANK,
                     as_of=date(2024, 6, 30), kinds=KINDS)
    assert not r.passed
