"""PKB on a renewal: the minimums' setting and what stands in the way of accepting."""

from __future__ import annotations

import pytest

from services.lsp.domain.pkb import (
    DEFAULT_PKB_MINIMUMS,
    format_minimums,
    parse_minimums,
    pkb_minimum,
    pkb_problems,
)

TABLE = parse_minimums(DEFAULT_PKB_MINIMUMS)


def test_default_table() -> None:
    assert TABLE == {7: 100, 8: 150, 9: 200}
    assert format_minimums(TABLE) == "7:100,8:150,9:200"


@pytest.mark.parametrize(("text", "table"), [
    (" 7 : 120 , 9:0 ", {7: 120, 9: 0}),
    ("", {}),
    ("8:150", {8: 150}),
])
def test_parse(text: str, table: dict[int, int]) -> None:
    assert parse_minimums(text) == table


@pytest.mark.parametrize("text", ["7=100", "7:abc", "x:100", "10:100", "0:5", "7:-1", "7:100,7:150", "7:100,,8:150",
                                  "7:1.5", "7:100,", ","])
def test_malformed_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_minimums(text)


@pytest.mark.parametrize(("kind", "kualifikasi", "jenjang", "minimum"), [
    ("perpanjangan", "Ahli", 7, 100),
    ("perpanjangan", "Ahli", 8, 150),
    ("perpanjangan", "Ahli", 9, 200),
    ("perpanjangan", "Teknisi/Analis", 6, None),
    ("perpanjangan", "Operator", 3, None),
    ("baru", "Ahli", 7, None),
    ("perubahan", "Ahli", 9, None),
])
def test_minimum(kind: str, kualifikasi: str, jenjang: int, minimum: int | None) -> None:
    assert pkb_minimum(kind, kualifikasi, jenjang, TABLE) == minimum


def fields(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.field for p in problems]


def test_enough_credits_and_the_document_pass() -> None:
    assert pkb_problems("perpanjangan", "Ahli", 8, 150, ["ktp", "pkb"], TABLE) == []
    assert pkb_problems("perpanjangan", "Ahli", 7, 500, ["pkb"], TABLE) == []


def test_too_few_credits() -> None:
    problems = pkb_problems("perpanjangan", "Ahli", 8, 149, ["pkb"], TABLE)
    assert fields(problems) == ["pkb_credits"]
    assert "150" in problems[0].message and "150" in problems[0].pesan


def test_credits_missing_and_no_document() -> None:
    problems = pkb_problems("perpanjangan", "Ahli", 9, None, ["ktp"], TABLE)
    assert fields(problems) == ["pkb_credits", "documents"]
    assert all(p.pesan for p in problems)


def test_no_document_only() -> None:
    assert fields(pkb_problems("perpanjangan", "Ahli", 7, 100, [], TABLE)) == ["documents"]


def test_operator_teknisi_and_other_kinds_need_no_pkb() -> None:
    assert pkb_problems("perpanjangan", "Operator", 2, None, [], TABLE) == []
    assert pkb_problems("perpanjangan", "Teknisi/Analis", 5, None, [], TABLE) == []
    assert pkb_problems("baru", "Ahli", 7, None, [], TABLE) == []
    assert pkb_problems("perubahan", "Ahli", 7, None, [], TABLE) == []


def test_a_configured_table_is_used() -> None:
    table = parse_minimums("7:10")
    assert pkb_problems("perpanjangan", "Ahli", 7, 10, ["pkb"], table) == []
    assert pkb_problems("perpanjangan", "Ahli", 9, None, [], table) == []  # no minimum for 9 configured
