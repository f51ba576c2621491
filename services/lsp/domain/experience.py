"""Which kinds of experience count towards a scheme's years of experience (SPEC section 3:
"professional" experience for Ahli, "work" experience for Teknisi/Analis and Operator).

The portal keeps ``experience_kind`` as the applicant typed or picked it, so the kinds are
recognised by their spellings (English and Bahasa Indonesia). Both tables are data: the LSP's
settings replace the defaults, and a scheme's requirement option may name its own kinds
(``experience_kinds``), which then win over the kualifikasi's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PROFESSIONAL = "professional"
WORK = "work"

# Canonical kind -> the spellings that mean it (compared after normalising, see ``normalise``).
DEFAULT_KIND_ALIASES: dict[str, list[str]] = {
    PROFESSIONAL: ["professional", "profesional", "pengalaman profesional", "professional experience"],
    WORK: ["work", "kerja", "pengalaman kerja", "work experience"],
}
# Kualifikasi -> the canonical kinds that count. Professional experience is work experience
# too, so it counts for the jenjang that ask for work experience; the reverse does not hold.
DEFAULT_KINDS_BY_KUALIFIKASI: dict[str, list[str]] = {
    "Ahli": [PROFESSIONAL],
    "Teknisi/Analis": [WORK, PROFESSIONAL],
    "Operator": [WORK, PROFESSIONAL],
}
# How the applicant reads a kind (timeline notes are in Bahasa Indonesia).
KIND_LABELS_ID: dict[str, str] = {PROFESSIONAL: "pengalaman profesional", WORK: "pengalaman kerja"}

_SPACES = re.compile(r"[\s_\-]+")


def normalise(raw: Any) -> str:
    """``"Pengalaman_Kerja "`` -> ``"pengalaman kerja"``: case, separators and padding ignored."""
    return _SPACES.sub(" ", str(raw or "")).strip().casefold()


@dataclass(frozen=True)
class ExperienceKinds:
    """The kinds table an LSP works with (its settings, else the defaults above)."""

    aliases: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_KIND_ALIASES)
    by_kualifikasi: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_KINDS_BY_KUALIFIKASI)

    def canonical(self, raw: Any) -> str | None:
        """The canonical kind an applicant's ``experience_kind`` names, or None if unknown."""
        wanted = normalise(raw)
        if not wanted:
            return None
        for kind, spellings in self.aliases.items():
            if wanted == normalise(kind) or any(wanted == normalise(s) for s in spellings):
                return kind
        return None

    def counted(self, kualifikasi: str, option: Mapping[str, Any] | None = None) -> frozenset[str] | None:
        """The kinds that count for this kualifikasi (or this requirement option, if it names its
        own ``experience_kinds``); None: every experience item counts, whatever its kind."""
        own = (option or {}).get("experience_kinds")
        if isinstance(own, (list, tuple)) and own:
            return frozenset(str(k) for k in own)
        kinds = self.by_kualifikasi.get(kualifikasi)
        return None if kinds is None else frozenset(kinds)

    def counts(self, raw_kind: Any, counted: frozenset[str] | None) -> bool:
        return counted is None or self.canonical(raw_kind) in counted


def label(kinds: frozenset[str] | None) -> str:
    """English words for the kinds that count, for staff: ``professional`` or ``work``."""
    if not kinds:
        return "any"
    if WORK in kinds:  # professional experience is work experience as well
        return WORK
    return " or ".join(sorted(kinds))


def label_id(kinds: frozenset[str] | None) -> str:
    """The same in Bahasa Indonesia: ``pengalaman profesional``."""
    if not kinds:
        return "pengalaman"
    if WORK in kinds:
        return KIND_LABELS_ID[WORK]
    return " atau ".join(KIND_LABELS_ID.get(k, k) for k in sorted(kinds))
