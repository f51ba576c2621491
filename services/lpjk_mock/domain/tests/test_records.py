"""LPJK's rules for the certificate a renewal or a change replaces (plain Python)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.lpjk_mock.domain import records
from shared.contracts.issuance import RecordRequest
from shared.exceptions import Conflict, Invalid

NIK = "3171011708450001"
OLD = records.Replaced(nik=NIK, status="active", skk_number="SI012022.4.2026.0000001",
                       jabatan_kerja_code="SI012022", jenjang=4, valid_until=date(2031, 6, 1))


def _req(**over: Any) -> RecordRequest:
    data: dict[str, Any] = {
        "lsp_code": "LSP-A", "application_id": "app-2", "skk_number": OLD.skk_number,
        "registration_number": "BNSP/LSP-A/2027/0000002", "nik": NIK, "full_name": "Budi Santosa",
        "klasifikasi_code": "SI", "subklasifikasi_code": "SI01", "kualifikasi": "Teknisi/Analis",
        "jabatan_kerja_code": "SI012022", "jenjang": 4, "issued_on": date(2027, 1, 5),
        "valid_until": OLD.valid_until, "replaces": "LPJK-2026-AAAA-BBBB-CCCC",
    }
    data.update(over)
    return RecordRequest.model_validate(data)


def _field(exc: pytest.ExceptionInfo[Any]) -> list[str]:
    return [e["field"] for e in exc.value.errors]


def test_a_change_keeps_the_validity_end_of_the_certificate_it_replaces() -> None:
    records.check_replaced(_req(), OLD)
    with pytest.raises(Invalid) as refused:
        records.check_replaced(_req(valid_until=date(2032, 1, 5)), OLD)
    assert _field(refused) == ["valid_until"] and "2031-06-01" in refused.value.errors[0]["message"]


def test_a_renewal_has_its_own_validity_and_the_same_competence() -> None:
    renewal = {"skk_number": "SI012022.4.2027.0000002", "valid_until": date(2032, 1, 5)}
    records.check_replaced(_req(**renewal), OLD)
    for other in ({"jabatan_kerja_code": "SI012001"}, {"jenjang": 6}):
        with pytest.raises(Invalid) as refused:
            records.check_replaced(_req(**renewal), records.Replaced(**{**OLD.__dict__, **other}))
        assert _field(refused) == ["replaces"]


def test_the_replaced_must_be_the_holders_own_and_current() -> None:
    records.check_replaced(_req(replaces=None), None)  # nothing replaced, nothing checked
    with pytest.raises(Invalid) as unknown:
        records.check_replaced(_req(), None)
    assert _field(unknown) == ["replaces"]
    with pytest.raises(Invalid) as other_holder:
        records.check_replaced(_req(), records.Replaced(**{**OLD.__dict__, "nik": "3171011708450009"}))
    assert _field(other_holder) == ["replaces"] and "3171011708450009" not in str(other_holder.value.errors)
    records.check_replaced(_req(), records.Replaced(**{**OLD.__dict__, "status": "suspended"}))
    for final in ("revoked", "superseded"):
        with pytest.raises(Conflict) as refused:
            records.check_replaced(_req(), records.Replaced(**{**OLD.__dict__, "status": final}))
        assert _field(refused) == ["replaces"]
