"""PP 14/2021 ownership limits, SPEC section 3: for every row, the last allowed case and the
first refused one, per kualifikasi."""

from __future__ import annotations

import pytest

from services.siki.domain.limits import Holding, ownership_limit_errors

OP, TA, AHLI = "Operator", "Teknisi/Analis", "Ahli"
SKK, KLAS, SUB = "qualification.kualifikasi", "qualification.klasifikasi_code", "qualification.subklasifikasi_code"


def h(kualifikasi: str, sub: str) -> Holding:
    """A holding in subklasifikasi ``sub`` (its klasifikasi is the two-letter prefix)."""
    return Holding(kualifikasi, sub[:2], sub)


# (id, existing, new, expected refusal fields with a word the message must contain)
CASES: list[tuple[str, list[Holding], Holding, list[tuple[str, str]]]] = [
    # Operator: at most 5 SKK, in at most 3 klasifikasi, at most 5 subklasifikasi across them.
    ("op-5th-skk-allowed", [h(OP, "SI01")] * 4, h(OP, "SI01"), []),
    ("op-6th-skk-refused", [h(OP, "SI01")] * 5, h(OP, "SI01"), [(SKK, "at most 5 SKK")]),
    ("op-3rd-klasifikasi-allowed", [h(OP, "SI01"), h(OP, "ME01")], h(OP, "TL01"), []),
    ("op-4th-klasifikasi-refused", [h(OP, "SI01"), h(OP, "ME01"), h(OP, "TL01")], h(OP, "MP01"),
     [(KLAS, "at most 3 different klasifikasi")]),
    ("op-5th-subklasifikasi-allowed", [h(OP, "SI01"), h(OP, "SI02"), h(OP, "ME01"), h(OP, "ME02")],
     h(OP, "TL01"), []),
    ("op-6th-subklasifikasi-refused",
     [h(OP, "SI01"), h(OP, "SI02"), h(OP, "SI03"), h(OP, "ME01"), h(OP, "ME02")], h(OP, "TL01"),
     [(SKK, "at most 5 SKK"), (SUB, "at most 5 subklasifikasi")]),
    # Teknisi/Analis: at most 5 SKK, in at most 2 klasifikasi, at most 5 subklasifikasi.
    ("ta-5th-skk-allowed", [h(TA, "SI01")] * 4, h(TA, "SI01"), []),
    ("ta-6th-skk-refused", [h(TA, "SI01")] * 5, h(TA, "SI01"), [(SKK, "at most 5 SKK")]),
    ("ta-2nd-klasifikasi-allowed", [h(TA, "SI01")], h(TA, "ME01"), []),
    ("ta-3rd-klasifikasi-refused", [h(TA, "SI01"), h(TA, "ME01")], h(TA, "TL01"),
     [(KLAS, "at most 2 different klasifikasi")]),
    ("ta-5th-subklasifikasi-allowed", [h(TA, "SI01"), h(TA, "SI02"), h(TA, "SI03"), h(TA, "ME01")],
     h(TA, "ME02"), []),
    ("ta-6th-subklasifikasi-refused",
     [h(TA, "SI01"), h(TA, "SI02"), h(TA, "SI03"), h(TA, "ME01"), h(TA, "ME02")], h(TA, "ME03"),
     [(SKK, "at most 5 SKK"), (SUB, "at most 5 subklasifikasi")]),
    # Ahli: at most 5 SKK in at most 2 klasifikasi, one of them Manajemen Pelaksanaan (MP);
    # at most 3 subklasifikasi within the other klasifikasi, at most 2 within MP.
    ("ahli-5th-skk-allowed", [h(AHLI, "SI01"), h(AHLI, "SI02"), h(AHLI, "SI03"), h(AHLI, "MP01")],
     h(AHLI, "MP02"), []),
    ("ahli-6th-skk-refused",
     [h(AHLI, "SI01"), h(AHLI, "SI02"), h(AHLI, "SI03"), h(AHLI, "MP01"), h(AHLI, "MP02")], h(AHLI, "SI01"),
     [(SKK, "at most 5 SKK")]),
    ("ahli-2nd-klasifikasi-mp-allowed", [h(AHLI, "SI01")], h(AHLI, "MP01"), []),
    ("ahli-2nd-klasifikasi-mp-first-allowed", [h(AHLI, "MP01")], h(AHLI, "SI01"), []),
    ("ahli-2nd-klasifikasi-without-mp-refused", [h(AHLI, "SI01")], h(AHLI, "ME01"),
     [(KLAS, "must be Manajemen Pelaksanaan")]),
    ("ahli-3rd-klasifikasi-refused", [h(AHLI, "SI01"), h(AHLI, "MP01")], h(AHLI, "ME01"),
     [(KLAS, "at most 2 different klasifikasi")]),
    ("ahli-one-klasifikasi-not-mp-allowed", [h(AHLI, "SI01")], h(AHLI, "SI02"), []),
    ("ahli-3rd-subklasifikasi-other-allowed", [h(AHLI, "SI01"), h(AHLI, "SI02")], h(AHLI, "SI03"), []),
    ("ahli-4th-subklasifikasi-other-refused", [h(AHLI, "SI01"), h(AHLI, "SI02"), h(AHLI, "SI03")],
     h(AHLI, "SI04"), [(SUB, "at most 3 subklasifikasi outside Manajemen Pelaksanaan")]),
    ("ahli-2nd-subklasifikasi-mp-allowed", [h(AHLI, "MP01")], h(AHLI, "MP02"), []),
    ("ahli-3rd-subklasifikasi-mp-refused", [h(AHLI, "MP01"), h(AHLI, "MP02")], h(AHLI, "MP03"),
     [(SUB, "at most 2 subklasifikasi within Manajemen Pelaksanaan")]),
    # Each kualifikasi has its own limits: other kualifikasi do not count.
    ("other-kualifikasi-not-counted", [h(OP, "SI01")] * 5 + [h(TA, "ME01"), h(TA, "TL01")], h(AHLI, "SR01"), []),
    ("same-subklasifikasi-twice-counts-once", [h(OP, "SI01"), h(OP, "SI01")], h(OP, "SI01"), []),
]


@pytest.mark.parametrize(("existing", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_ownership_limits(existing: list[Holding], new: Holding, expected: list[tuple[str, str]]) -> None:
    reasons = ownership_limit_errors(existing, new)
    assert len(reasons) == len(expected), reasons
    for field, words in expected:
        assert any(r["field"] == field and words in r["message"] for r in reasons), (field, words, reasons)


def test_every_reason_at_once() -> None:
    existing = [h(AHLI, "SI01"), h(AHLI, "SI02"), h(AHLI, "SI03"), h(AHLI, "ME01"), h(AHLI, "ME02")]
    reasons = ownership_limit_errors(existing, h(AHLI, "TL01"))
    fields = [r["field"] for r in reasons]
    # 6 SKK, 3 klasifikasi (none MP), 6 subklasifikasi outside MP.
    assert fields.count(SKK) == 1 and fields.count(KLAS) == 1 and fields.count(SUB) == 1, reasons


def test_unknown_kualifikasi_is_left_to_the_consistency_check() -> None:
    assert ownership_limit_errors([h(OP, "SI01")] * 9, Holding("Mandor", "SI", "SI01")) == []
