"""PKB (Pengembangan Keprofesian Berkelanjutan) on a renewal: an Ahli renewing an SKK shows the
SKPK credits earned while holding it, documented by a ``pkb`` document (PP 14/2021 Ps 29B-C:
100/150/200 SKPK for jenjang 7/8/9). Operator and Teknisi/Analis renewals need none.

The minimums are a setting (``SKK_PKB_MINIMUMS="7:100,8:150,9:200"``): :func:`parse_minimums`
refuses a malformed value, so the LSP refuses to start rather than check against a wrong table.
Plain Python: the verification use case turns the problems into a 422.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from shared.contracts.kinds import PKB_DOCUMENT_KIND, RENEWAL

DEFAULT_PKB_MINIMUMS = "7:100,8:150,9:200"
AHLI = "Ahli"


def parse_minimums(text: str) -> dict[int, int]:
    """``"7:100,8:150,9:200"`` -> ``{7: 100, 8: 150, 9: 200}``; ``ValueError`` naming what is wrong.

    Each entry is ``jenjang:credits``, jenjang 1..9 once each, credits a whole number >= 0. An empty
    value is an empty table (no minimum anywhere): written on purpose, not by a typo."""
    table: dict[int, int] = {}
    for raw in text.split(","):
        entry = raw.strip()
        if not entry:
            if text.strip():  # "7:100,,8:150" is a typo, "" a choice
                raise ValueError(f"empty entry in {text!r}; expected jenjang:credits pairs such as 7:100")
            continue
        jenjang_text, sep, credits_text = entry.partition(":")
        if not sep:
            raise ValueError(f"{entry!r} is not jenjang:credits")
        try:
            jenjang, credits = int(jenjang_text.strip()), int(credits_text.strip())
        except ValueError as exc:
            raise ValueError(f"{entry!r}: jenjang and credits must be whole numbers") from exc
        if not 1 <= jenjang <= 9:
            raise ValueError(f"{entry!r}: jenjang must be 1..9")
        if credits < 0:
            raise ValueError(f"{entry!r}: credits must be 0 or more")
        if jenjang in table:
            raise ValueError(f"jenjang {jenjang} given twice")
        table[jenjang] = credits
    return table


def format_minimums(table: Mapping[int, int]) -> str:
    return ",".join(f"{j}:{c}" for j, c in sorted(table.items()))


def pkb_minimum(application_kind: str, kualifikasi: str, jenjang: int, table: Mapping[int, int]) -> int | None:
    """The SKPK credits this application must show, or None when it needs no PKB (not a
    renewal, not an Ahli, or a jenjang the table does not name)."""
    if application_kind != RENEWAL or kualifikasi != AHLI:
        return None
    return table.get(jenjang)


@dataclass(frozen=True)
class PkbProblem:
    """Why a renewal's PKB does not allow acceptance: ``field`` as the API names it."""

    field: str
    message: str
    pesan: str  # the same in Bahasa Indonesia, for the applicant when the admin returns it


def pkb_problems(application_kind: str, kualifikasi: str, jenjang: int, credits: int | None,
                 document_kinds: Iterable[str], table: Mapping[int, int]) -> list[PkbProblem]:
    """What stands in the way of accepting this renewal for its PKB; empty when nothing does."""
    minimum = pkb_minimum(application_kind, kualifikasi, jenjang, table)
    if minimum is None:
        return []
    problems: list[PkbProblem] = []
    if credits is None:
        problems.append(PkbProblem(
            "pkb_credits", f"an Ahli jenjang {jenjang} renewal must declare its PKB credits (at least {minimum} SKPK)",
            f"Perpanjangan Ahli jenjang {jenjang} wajib mencantumkan kredit PKB (minimal {minimum} SKPK)"))
    elif credits < minimum:
        problems.append(PkbProblem(
            "pkb_credits", f"{credits} PKB credits declared; an Ahli jenjang {jenjang} renewal needs at least "
                           f"{minimum} SKPK",
            f"Kredit PKB {credits} SKPK kurang dari minimal {minimum} SKPK untuk perpanjangan Ahli jenjang {jenjang}"))
    if PKB_DOCUMENT_KIND not in set(document_kinds):
        problems.append(PkbProblem(
            "documents", f"an Ahli renewal needs a document of kind {PKB_DOCUMENT_KIND!r} (the SKPK evidence)",
            "Perpanjangan Ahli wajib melampirkan dokumen bukti kredit PKB (SKPK)"))
    return problems
