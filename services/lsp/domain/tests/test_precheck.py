from __future__ import annotations

from datetime import date

from services.lsp.domain.precheck import experience_days, merge_periods, run_precheck
from shared.reference import get_reference

RANK = get_reference().education_rank
J7 = [{"education_level": "S1", "min_years": 2}, {"education_level": "D4", "min_years": 2}]


def sections(level: str, *periods: tuple[str, str | None]) -> dict[str, object]:
    return {
        "education": {"items": [{"level": "SMA"}, {"level": level}]},
        "experience": {"items": [{"start_date": s, "end_date": e} for s, e in periods]},
    }


def test_overlapping_periods_count_once() -> None:
    a = (date(2020, 1, 1), date(2020, 12, 31))
    b = (date(2020, 7, 1), date(2021, 6, 30))
    assert merge_periods([b, a]) == [(date(2020, 1, 1), date(2021, 6, 30))]
    assert experience_days([a, b]) == 366 + 181
    # Adjacent periods join; a contained one adds nothing.
    c = (date(2021, 7, 1), date(2021, 7, 31))
    inner = (date(2020, 3, 1), date(2020, 3, 31))
    assert experience_days([a, b, c, inner]) == 366 + 181 + 31


def test_passes_with_enough_years_counted_once() -> None:
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, education_rank=RANK, as_of=date(2025, 1, 1),
                     sections=sections("S1", ("2021-01-01", "2022-12-31"), ("2022-01-01", "2023-06-30")))
    assert r.passed
    assert r.highest_education == "S1"
    assert 2.4 < r.experience_years < 2.6
    assert r.experience_kind == "professional"


def test_overlap_makes_it_fail() -> None:
    # 1.5 + 1.5 years, but the same 18 months: not 3 years.
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, education_rank=RANK, as_of=date(2025, 1, 1),
                     sections=sections("S1", ("2022-01-01", "2023-06-30"), ("2022-01-01", "2023-06-30")))
    assert not r.passed
    assert r.options[0].education_ok and not r.options[0].experience_ok
    assert any("requirements not met" in m for m in r.messages)


def test_education_too_low() -> None:
    r = run_precheck(jenjang=7, kualifikasi="Ahli", options=J7, education_rank=RANK, as_of=date(2025, 1, 1),
                     sections=sections("D3", ("2010-01-01", "2020-01-01")))
    assert not r.passed
    assert not any(o.education_ok for o in r.options)


def test_ongoing_and_invalid_items() -> None:
    options = [{"education_level": "D3", "min_years": 4}]
    r = run_precheck(jenjang=6, kualifikasi="Teknisi/Analis", options=options, education_rank=RANK,
                     as_of=date(2025, 1, 1),
                     sections=sections("D3", ("2020-01-01", None), ("bad", "2021-01-01"), ("2024-01-01", "2023-01-01")))
    assert r.passed  # 5 years to as_of
    assert r.experience_kind == "work"
    assert len(r.messages) == 2


def test_no_options_means_not_passed() -> None:
    r = run_precheck(jenjang=5, kualifikasi="Teknisi/Analis", options=[], education_rank=RANK,
                     as_of=date(2025, 1, 1), sections=sections("S1"))
    assert not r.passed
    assert r.as_dict()["options"] == []
