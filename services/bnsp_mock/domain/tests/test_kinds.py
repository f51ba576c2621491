"""BNSP's rules for a renewal (perpanjangan) and a change (perubahan): plain Python."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.bnsp_mock.domain import numbers
from shared.contracts.issuance import IssuanceRequest
from shared.exceptions import Invalid

NIK = "3171011708450001"
HELD = numbers.HeldSkk(skk_number="SI011002.7.2026.0000001", nik=NIK, jabatan_kerja_code="SI011002", jenjang=7)


def _req(**over: object) -> IssuanceRequest:
    data: dict[str, object] = {
        "lsp_code": "LSP-A", "application_id": "a2", "nik": NIK, "full_name": "Budi Santosa",
        "klasifikasi_code": "SI", "subklasifikasi_code": "SI01", "kualifikasi": "Ahli",
        "jabatan_kerja_code": "SI011002", "jenjang": 7, "decided_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    data.update(over)
    return IssuanceRequest.model_validate(data)


def test_a_change_must_name_the_held_skk() -> None:
    numbers.check_kind(_req())
    numbers.check_kind(_req(application_kind="perpanjangan"))  # a renewal may leave it to the LSP
    for missing in (None, " "):
        with pytest.raises(Invalid) as refused:
            numbers.check_kind(_req(application_kind="perubahan", previous_skk_number=missing))
        assert [e["field"] for e in refused.value.errors] == ["previous_skk_number"]


@pytest.mark.parametrize("held", [
    None,
    numbers.HeldSkk(HELD.skk_number, "3171011708450002", "SI011002", 7),
    numbers.HeldSkk(HELD.skk_number, NIK, "SI011003", 7),
    numbers.HeldSkk(HELD.skk_number, NIK, "SI011002", 8),
])
def test_the_held_skk_must_be_the_holders_own_for_the_same_competence(held: numbers.HeldSkk | None) -> None:
    for kind in ("perpanjangan", "perubahan"):
        req = _req(application_kind=kind, previous_skk_number=HELD.skk_number)
        with pytest.raises(Invalid) as refused:
            numbers.check_held(req, held)
        assert [e["field"] for e in refused.value.errors] == ["previous_skk_number"]
        assert NIK not in str(refused.value) and "3171011708450002" not in str(refused.value.errors)
        numbers.check_held(req, HELD)
    numbers.check_held(_req(), None)  # nothing named, nothing checked


def test_a_change_keeps_the_skk_number_and_a_renewal_gets_a_new_one() -> None:
    change = _req(application_kind="perubahan", previous_skk_number=HELD.skk_number)
    assert numbers.skk_number_of(change, 2027, 5) == HELD.skk_number
    renewal = _req(application_kind="perpanjangan", previous_skk_number=HELD.skk_number)
    assert numbers.skk_number_of(renewal, 2031, 5) == "SI011002.7.2031.0000005"
    assert numbers.skk_number_of(_req(), 2026, 6) == "SI011002.7.2026.0000006"


def test_the_kind_and_the_held_skk_are_identity_facts_old_facts_read_as_baru() -> None:
    stored = numbers.identity_facts(_req())
    legacy = {k: v for k, v in stored.items() if k not in ("application_kind", "previous_skk_number")}
    assert numbers.differing_fields(legacy, numbers.identity_facts(_req())) == []
    assert numbers.differing_fields(
        stored, numbers.identity_facts(_req(application_kind="perpanjangan", previous_skk_number="X"))
    ) == ["application_kind", "previous_skk_number"]
