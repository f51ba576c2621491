"""Acceptance against the scheme's basic requirements (issue 13, "Requirements enforced").

An application whose pre-check (``domain/precheck.py``) fails cannot be accepted, unless the
admin overrides with a written reason, which the timeline (so SIKI and the applicant) and the
audit log carry. This module says which requirement failed, in plain words for the staff
(English, as every API error) and for the applicant (Bahasa Indonesia), and checks the reason.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from services.lsp.domain.experience import label, label_id
from services.lsp.domain.precheck import OptionResult, PrecheckResult

EDUCATION = "education"
EXPERIENCE = "experience"
REQUIREMENTS = "requirements"

# A reason someone can later read and understand, not a token: "ok" is not one.
OVERRIDE_REASON_MIN = 10
OVERRIDE_REASON_MAX = 1000
# Unicode categories refused in a reason: control characters (line breaks included: the reason
# is one line on the timeline) and invisible format characters (bidi overrides, zero widths).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@dataclass(frozen=True)
class Shortfall:
    """One requirement the application does not meet."""

    requirement: str  # "education", "experience" or "requirements" (the scheme has none)
    message: str      # for the staff, in English
    pesan: str        # for the applicant's timeline, in Bahasa Indonesia

    def as_dict(self) -> dict[str, str]:
        return {"requirement": self.requirement, "message": self.message, "pesan": self.pesan}


def _levels(options: list[OptionResult]) -> str:
    return ", ".join(dict.fromkeys(o.education_level for o in options))


def _years(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def shortfalls(result: PrecheckResult) -> list[Shortfall]:
    """What the application lacks for its jenjang; empty when some requirement option is met.

    Education fails when no option accepts the applicant's highest level. Experience fails when
    even the options whose education is met (or, failing education, every option) need more
    years than were counted; the smallest such need is named.
    """
    if result.passed:
        return []
    j = result.jenjang
    kinds = frozenset(result.experience_kinds) if result.experience_kinds is not None else None
    if not result.options:
        return [Shortfall(REQUIREMENTS, f"the scheme has no requirement options for jenjang {j}",
                          f"skema tidak memuat persyaratan untuk jenjang {j}")]
    out: list[Shortfall] = []
    education_ok = [o for o in result.options if o.education_ok]
    if not education_ok:
        levels = _levels(result.options)
        if result.highest_education is None:
            has, punya = "no education level was given", "tidak ada jenjang pendidikan yang diisi"
        else:
            has = f"the highest education given is {result.highest_education}"
            punya = f"pendidikan tertinggi {result.highest_education}"
        out.append(Shortfall(EDUCATION, f"education: {has}; jenjang {j} needs at least one of {levels}",
                             f"pendidikan: {punya}; jenjang {j} mensyaratkan minimal {levels}"))
    candidates = education_ok or result.options
    if not any(o.experience_ok for o in candidates):
        need = min(candidates, key=lambda o: o.min_years)
        counted = need.experience_years if need.experience_years is not None else result.experience_years
        with_level = f" with {need.education_level}" if education_ok else ""
        dengan = f" dengan pendidikan {need.education_level}" if education_ok else ""
        out.append(Shortfall(
            EXPERIENCE,
            f"experience: {_years(counted)} years of {label(kinds)} experience counted; jenjang {j}{with_level} "
            f"needs at least {_years(need.min_years)} years",
            f"pengalaman: {label_id(kinds)} yang dihitung {_years(counted)} tahun; jenjang {j}{dengan} "
            f"mensyaratkan minimal {_years(need.min_years)} tahun"))
    return out


def override_reason_problem(raw: str | None) -> str | None:
    """Why ``raw`` is not an acceptable override reason, or None. None is "no override asked
    for"; a blank string is refused (the admin meant to give a reason and gave none)."""
    if raw is None:
        return None
    reason = raw.strip()
    if not reason:
        return "must not be blank"
    bad = sorted({f"U+{ord(c):04X}" for c in reason if unicodedata.category(c) in _REFUSED_CATEGORIES})
    if bad:
        return "must not contain control or invisible formatting characters (" + ", ".join(bad[:5]) + ")"
    if len(reason) < OVERRIDE_REASON_MIN:
        return f"must say why, in at least {OVERRIDE_REASON_MIN} characters"
    if len(reason) > OVERRIDE_REASON_MAX:
        return f"must be at most {OVERRIDE_REASON_MAX} characters"
    return None


def clean_override_reason(raw: str | None) -> str | None:
    """The reason as recorded (padding removed), or None when no override was asked for.
    Call ``override_reason_problem`` first."""
    if raw is None:
        return None
    return raw.strip() or None


def override_note(found: list[Shortfall], reason: str) -> str:
    """The words added to the acceptance's timeline note (SIKI and the applicant read it)."""
    unmet = "; ".join(s.pesan for s in found)
    return f"Persyaratan dasar tidak terpenuhi ({unmet}), diterima dengan pengecualian oleh LSP. Alasan: {reason}"


def refusal_detail(found: list[Shortfall]) -> str:
    """The problem's detail when an acceptance is refused for unmet requirements."""
    return ("cannot accept: the application does not meet the scheme's requirements ("
            + "; ".join(s.message for s in found)
            + "); return it to the applicant, or accept with override_reason saying why")
