"""The automatic pre-check of an application against the scheme's special requirements
(SPEC section 3, "Requirements"): minimum education level and years of experience, experience
computed from the project periods with overlaps counted once, counting only the kinds of
experience the kualifikasi asks for (``domain/experience.py``) when the caller gives the kinds
table. The admin sees the result; acceptance reads it (``domain/requirements.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from services.lsp.domain.experience import ExperienceKinds, label

DAYS_PER_YEAR = 365.25


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def merge_periods(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """The union of inclusive date ranges, as disjoint ranges in order."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(p for p in periods if p[0] <= p[1]):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def experience_days(periods: Iterable[tuple[date, date]]) -> int:
    """Days covered by at least one period (both ends included); overlaps count once."""
    return sum((end - start).days + 1 for start, end in merge_periods(periods))


def experience_years(periods: Iterable[tuple[date, date]]) -> float:
    return experience_days(periods) / DAYS_PER_YEAR


@dataclass
class OptionResult:
    education_level: str
    min_years: float
    education_ok: bool
    experience_ok: bool
    # The years counted for this option (its kinds of experience may differ from the default).
    experience_years: float | None = None

    @property
    def ok(self) -> bool:
        return self.education_ok and self.experience_ok


@dataclass
class PrecheckResult:
    passed: bool
    jenjang: int
    highest_education: str | None
    experience_years: float
    experience_kind: str
    options: list[OptionResult]
    messages: list[str] = field(default_factory=list)
    # The canonical kinds counted (None: every item counted, whatever its kind).
    experience_kinds: list[str] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for opt, raw in zip(self.options, out["options"], strict=True):
            raw["ok"] = opt.ok
        return out


def run_precheck(
    *,
    jenjang: int,
    kualifikasi: str,
    options: list[dict[str, Any]],
    sections: dict[str, Any],
    education_rank: Callable[[str], int],
    as_of: date,
    kinds: ExperienceKinds | None = None,
) -> PrecheckResult:
    """Check the applicant's sections against the scheme options for ``jenjang``.

    An experience item without an end date counts up to ``as_of`` (work still going on). With
    ``kinds``, only items of a kind the kualifikasi (or the option) asks for are counted.
    """
    messages: list[str] = []
    education_items = (sections.get("education") or {}).get("items") or []
    levels = [str(i.get("level")) for i in education_items if isinstance(i, dict) and i.get("level")]
    highest = max(levels, key=education_rank) if levels else None
    highest_rank = education_rank(highest) if highest else 0
    if highest is None:
        messages.append("no education level given")

    # Each valid period with the applicant's kind of experience beside it.
    periods: list[tuple[date, date, Any]] = []
    experience_items = (sections.get("experience") or {}).get("items") or []
    for n, item in enumerate(experience_items):
        if not isinstance(item, dict):
            continue
        start = _parse_date(item.get("start_date"))
        end = _parse_date(item.get("end_date")) or as_of
        if start is None:
            messages.append(f"experience.items.{n}: no valid start_date; not counted")
            continue
        end = min(end, as_of)
        if end < start:
            messages.append(f"experience.items.{n}: end_date before start_date; not counted")
            continue
        periods.append((start, end, item.get("experience_kind")))

    default_kinds = kinds.counted(kualifikasi) if kinds is not None else None
    if kinds is not None and default_kinds is not None:
        for n, item in enumerate(experience_items):
            if isinstance(item, dict) and not kinds.counts(item.get("experience_kind"), default_kinds):
                messages.append(f"experience.items.{n}: kind {item.get('experience_kind')!r} is not "
                                f"{label(default_kinds)} experience; not counted for {kualifikasi}")

    def years_of(counted: frozenset[str] | None) -> float:
        chosen = [(s, e) for s, e, k in periods if kinds is None or kinds.counts(k, counted)]
        return round(experience_years(chosen), 2)

    years = years_of(default_kinds)
    results = []
    for o in options:
        option_kinds = kinds.counted(kualifikasi, o) if kinds is not None else None
        option_years = years if option_kinds == default_kinds else years_of(option_kinds)
        results.append(OptionResult(
            education_level=str(o["education_level"]),
            min_years=float(o["min_years"]),
            education_ok=highest_rank > 0 and highest_rank >= education_rank(str(o["education_level"])),
            experience_ok=option_years >= float(o["min_years"]),
            experience_years=option_years,
        ))
    if not options:
        messages.append(f"the scheme has no requirement options for jenjang {jenjang}")
    passed = any(r.ok for r in results)
    if not passed and options:
        needs = "; ".join(f"{o.education_level} + {o.min_years:g} years" for o in results)
        messages.append(f"requirements not met: needs one of {needs}")
    # SPEC: "professional" experience for Ahli, "work" experience for the others.
    kind = "professional" if kualifikasi == "Ahli" else "work"
    counted = None if default_kinds is None else sorted(default_kinds)
    return PrecheckResult(passed, jenjang, highest, years, kind, results, messages, counted)
