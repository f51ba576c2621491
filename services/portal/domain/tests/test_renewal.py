"""The renewal and change rules: the window (months, clamped days), the PKB table and its
shortfall, which held SKK may be renewed or changed, what a change changes, the kind's errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.portal.domain.renewal import (
    CHANGE_DOCUMENT_KIND,
    HeldSkk,
    change_refusal,
    changed_fields,
    kind_errors,
    kind_refusal,
    months_before,
    parse_pkb_minimums,
    pkb_minimum,
    pkb_shortfall,
    renewal_open,
    renewal_opens,
    renewal_refusal,
)

TABLE = {7: 100, 8: 150, 9: 200}


def held(**over: object) -> HeldSkk:
    base: dict[str, object] = {"skk_number": "SKK-1", "valid_until": date(2027, 8, 31), "status": "active",
                               "full_name": "Budi Santoso", "nik": "3171011501900001"}
    base.update(over)
    return HeldSkk(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2027, 8, 31), 6, date(2027, 2, 28)),   # clamped: February has no 31st
    (date(2028, 8, 31), 6, date(2028, 2, 29)),   # leap year
    (date(2027, 8, 15), 6, date(2027, 2, 15)),
    (date(2027, 3, 31), 6, date(2026, 9, 30)),   # across the year, clamped to 30
    (date(2027, 1, 1), 6, date(2026, 7, 1)),
    (date(2027, 6, 30), 6, date(2026, 12, 30)),
    (date(2027, 12, 31), 12, date(2026, 12, 31)),
    (date(2027, 5, 31), 0, date(2027, 5, 31)),
])
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_renewal_window_opens_six_months_before_and_stays_open() -> None:
    until = date(2027, 8, 31)
    opens = renewal_opens(until)
    assert opens == date(2027, 2, 28)
    assert not renewal_open(until, opens - timedelta(days=1))
    assert renewal_open(until, opens)
    assert renewal_open(until, until)
    assert renewal_open(until, until + timedelta(days=1))  # expired: still renewed
    assert renewal_open(until, until + timedelta(days=3650))


@pytest.mark.parametrize(("text", "expected"), [
    ("7:100,8:150,9:200", {7: 100, 8: 150, 9: 200}),
    (" 7 : 100 , 9:0 ", {7: 100, 9: 0}),
    ("7:100,", {7: 100}),
    ("", {}),
])
def test_parse_pkb_minimums(text: str, expected: dict[int, int]) -> None:
    assert parse_pkb_minimums(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("7", "jenjang:credits"), ("7:", "jenjang:credits"), ("x:100", "jenjang:credits"), ("7:-1", "jenjang:credits"),
    ("7:1.5", "jenjang:credits"), ("0:10", "between 1 and 9"), ("10:10", "between 1 and 9"),
    ("7:100,7:150", "named twice"),
])
def test_parse_pkb_minimums_refuses(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_pkb_minimums(text)


def test_settings_refuse_a_malformed_table_at_start_up() -> None:
    from pydantic import ValidationError

    from services.portal.settings import PortalSettings

    with pytest.raises(ValidationError, match="jenjang:credits"):
        PortalSettings(pkb_minimums="7=100")
    assert PortalSettings(pkb_minimums="7:10").pkb_minimums == "7:10"


def test_pkb_minimum_and_shortfall() -> None:
    assert pkb_minimum(7, TABLE) == 100 and pkb_minimum(9, TABLE) == 200
    assert pkb_minimum(6, TABLE) is None and pkb_minimum(None, TABLE) is None
    assert pkb_shortfall(8, 100, TABLE) == 50
    assert pkb_shortfall(8, 150, TABLE) == 0 and pkb_shortfall(8, 500, TABLE) == 0
    assert pkb_shortfall(9, None, TABLE) == 200
    assert pkb_shortfall(6, None, TABLE) == 0  # not an Ahli: none needed


def test_which_certificates_may_be_renewed_or_changed() -> None:
    assert renewal_refusal("active") is None and renewal_refusal("suspended") is None
    assert "dicabut" in (renewal_refusal("revoked") or "")
    assert "digantikan" in (renewal_refusal("superseded") or "")
    assert change_refusal("active") is None
    assert "aktif" in (change_refusal("suspended") or "")
    assert change_refusal("revoked") and change_refusal("superseded")


def test_kind_refusal() -> None:
    h = held()
    assert kind_refusal("perpanjangan", h, date(2027, 2, 28)) is None
    early = kind_refusal("perpanjangan", h, date(2027, 2, 27))
    assert early is not None and "28-02-2027" in early and "31-08-2027" in early
    assert kind_refusal("perpanjangan", held(status="revoked"), date(2027, 8, 1)) is not None
    assert kind_refusal("perubahan", h, date(2023, 1, 1)) is None  # a change needs no window
    assert kind_refusal("perubahan", held(status="suspended"), date(2027, 1, 1)) is not None
    assert kind_refusal("baru", h, date(2023, 1, 1)) is None


def test_changed_fields() -> None:
    h = held()
    assert changed_fields(h, {"full_name": "Budi Santosa"}) == ["full_name"]
    assert changed_fields(h, {"full_name": " Budi   Santoso "}) == []  # spacing is no change
    assert changed_fields(h, {}) == []


def _renewal(jenjang: int = 7, credits: int | None = 100, docs: dict[str, str] | None = None) -> dict[str, object]:
    q: dict[str, object] = {"jenjang": jenjang, "documents": {"pkb": "d1"} if docs is None else docs}
    if credits is not None:
        q["pkb_credits"] = credits
    return {"qualification": q}


def test_renewal_errors() -> None:
    assert kind_errors("perpanjangan", _renewal(), held(), TABLE, complete=True) == []
    too_few = kind_errors("perpanjangan", _renewal(8, 149), held(), TABLE, complete=False)
    assert [e["field"] for e in too_few] == ["qualification.pkb_credits"] and "150" in too_few[0]["message"]
    missing = kind_errors("perpanjangan", _renewal(9, None, {}), held(), TABLE, complete=True)
    assert [e["field"] for e in missing] == ["qualification.pkb_credits", "qualification.documents.pkb"]
    assert "200" in missing[0]["message"]
    # A draft may still lack them; a jenjang below Ahli needs none.
    assert kind_errors("perpanjangan", _renewal(9, None, {}), held(), TABLE, complete=False) == []
    assert kind_errors("perpanjangan", _renewal(6, None, {}), held(), TABLE, complete=True) == []
    assert kind_errors("perpanjangan", _renewal(7, 0, {}), held(), {}, complete=True) == []


def test_change_errors() -> None:
    docs = {CHANGE_DOCUMENT_KIND: "d2"}
    ok = {"personal": {"full_name": "Budi Santosa", "nik": "3171011501900001", "documents": docs}}
    assert kind_errors("perubahan", ok, held(), TABLE, complete=True) == []
    same = {"personal": {"full_name": "Budi Santoso", "documents": {}}}
    errors = kind_errors("perubahan", same, held(), TABLE, complete=True)
    assert [e["field"] for e in errors] == ["personal.full_name", f"personal.documents.{CHANGE_DOCUMENT_KIND}"]
    assert kind_errors("perubahan", same, held(), TABLE, complete=False) == []
    other_nik = {"personal": {"full_name": "X", "nik": "3171011501900002", "documents": docs}}
    assert [e["field"] for e in kind_errors("perubahan", other_nik, held(), TABLE, complete=False)] == ["personal.nik"]
    assert kind_errors("baru", same, None, TABLE, complete=True) == []
