from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.bnsp_mock.domain import numbers
from shared.contracts.issuance import IssuanceRequest
from shared.exceptions import Conflict, Forbidden, Invalid
from shared.reference import get_reference


def _req(**over: object) -> IssuanceRequest:
    data: dict[str, object] = {
        "lsp_code": "LSP-A", "application_id": "a1", "nik": "3171011708450001", "full_name": "Budi Santoso",
        "klasifikasi_code": "SI", "subklasifikasi_code": "SI01", "kualifikasi": "Ahli",
        "jabatan_kerja_code": "SI011002", "jenjang": 7, "decided_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    data.update(over)
    return IssuanceRequest.model_validate(data)


def test_number_formats() -> None:
    assert numbers.skk_number("SI011002", 7, 2026, 42) == "SI011002.7.2026.0000042"
    assert numbers.registration_number("LSP-A", 2026, 42) == "BNSP/LSP-A/2026/0000042"
    assert numbers.counter_name(2027) == "skk:2027"


def test_the_year_is_the_year_in_wib() -> None:
    assert numbers.issuance_year(datetime(2026, 12, 31, 16, 59, tzinfo=UTC)) == 2026
    assert numbers.issuance_year(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == 2027
    assert numbers.issuance_year(datetime(2026, 12, 31, 17, 0)) == 2027  # naive means UTC


def test_differing_fields_names_only_identity_facts() -> None:
    stored = numbers.identity_facts(_req())
    assert numbers.differing_fields(stored, numbers.identity_facts(_req())) == []
    assert numbers.differing_fields(stored, numbers.identity_facts(_req(decided_at=datetime(2026, 2, 2)))) == []
    assert numbers.differing_fields(stored, numbers.identity_facts(_req(nik="3171011708450002"))) == ["nik"]
    assert numbers.differing_fields(
        stored, numbers.identity_facts(_req(full_name="X", jenjang=8))
    ) == ["full_name", "jenjang"]


def test_plan_problems_keep_licence_apart_from_consistency() -> None:
    ref = get_reference()
    assert numbers.plan_problems(ref, _req()) == ([], [])
    inconsistent, licence = numbers.plan_problems(ref, _req(lsp_code="LSP-B", jabatan_kerja_code="SI013015",
                                                            kualifikasi="Operator", jenjang=2))
    assert inconsistent == [] and [e["field"] for e in licence] == ["lsp_code"]
    inconsistent, licence = numbers.plan_problems(ref, _req(lsp_code="LSP-X"))
    assert licence and "unknown LSP" in licence[0]["message"]
    inconsistent, licence = numbers.plan_problems(ref, _req(jenjang=8, full_name=" "))
    assert {e["field"] for e in inconsistent} == {"jenjang", "full_name"} and licence == []


def test_checks_raise_the_services_errors_naming_fields_not_values() -> None:
    ref = get_reference()
    numbers.check_plan(ref, _req())
    with pytest.raises(Invalid) as invalid:
        numbers.check_plan(ref, _req(jenjang=8))
    assert [e["field"] for e in invalid.value.errors] == ["jenjang"]
    with pytest.raises(numbers.LspNotLicensed) as licence:
        numbers.check_plan(ref, _req(lsp_code="LSP-X"))
    assert isinstance(licence.value, Forbidden) and licence.value.errors[0]["field"] == "lsp_code"
    stored = numbers.identity_facts(_req())
    numbers.check_repeat(stored, _req(decided_at=datetime(2026, 2, 2)), "SI011002.7.2026.0000001")
    with pytest.raises(numbers.PlanChanged) as changed:
        numbers.check_repeat(stored, _req(nik="3171011708450002"), "SI011002.7.2026.0000001")
    assert isinstance(changed.value, Conflict)
    assert changed.value.extra == {"skk_number": "SI011002.7.2026.0000001"}
    assert [e["field"] for e in changed.value.errors] == ["nik"] and "3171011708450002" not in str(changed.value)
