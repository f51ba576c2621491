"""Sections saved half-filled (domain/drafts.py, sections.check_section): missing values are
listed, malformed ones refused; an ongoing job has no end date."""

from __future__ import annotations

from datetime import date, timedelta

from services.portal.domain.sections import check_section, validate_application
from services.portal.domain.tests.test_sections import DOCS, ctx, fields
from services.portal.tests.factories import all_sections, experience_item, qualification


def test_a_half_filled_personal_section_is_a_draft_that_lists_the_rest() -> None:
    checked = check_section("personal", {"full_name": " Budi Santoso ", "phone": "", "gender": None}, ctx())
    assert checked.errors == [] and not checked.complete
    assert checked.stored == {"full_name": "Budi Santoso"}
    assert {"personal.nik", "personal.phone", "personal.gender", "personal.birth_date",
            "personal.documents.ktp", "personal.documents.photo"} <= set(checked.missing)
    assert "personal.full_name" not in checked.missing


def test_an_empty_section_is_a_draft() -> None:
    checked = check_section("experience", {}, ctx())
    assert checked.errors == [] and checked.missing == ["experience.items"]
    assert check_section("training", {"items": []}, ctx()).complete


def test_a_malformed_value_beside_missing_ones_refuses_the_whole_save() -> None:
    checked = check_section("personal", {"full_name": "Budi", "nik": "12345"}, ctx())
    assert fields(checked.errors) == ["personal.nik"] and checked.stored == {}
    assert fields(check_section("personal", {"hobby": "x"}, ctx()).errors) == ["personal.hobby"]


def test_a_half_chosen_qualification_checks_each_code_given() -> None:
    draft = {"lsp_code": "LSP-A", "klasifikasi_code": "SI"}
    assert check_section("qualification", draft, ctx()).errors == []
    bad = check_section("qualification", {"lsp_code": "LSP-A", "jabatan_kerja_code": "SI999999"}, ctx())
    assert fields(bad.errors) == ["qualification.jabatan_kerja_code"]
    tuk = check_section("qualification", {"lsp_code": "LSP-A", "tuk_code": "TUK-B-01"}, ctx())
    assert fields(tuk.errors) == ["qualification.tuk_code"]
    missing = check_section("qualification", {k: v for k, v in qualification(DOCS).items() if k != "kta_number"},
                            ctx())
    assert missing.errors == [] and missing.missing == ["qualification.kta_number"]


def test_an_ongoing_job_is_complete_and_submittable() -> None:
    item = {k: v for k, v in experience_item(DOCS).items() if k != "end_date"}
    checked = check_section("experience", {"items": [item, experience_item(DOCS, end_date=None)]}, ctx())
    assert checked.complete and "end_date" not in checked.stored["items"][0]
    sections = {**all_sections(DOCS), "experience": {"items": [item]}}
    assert validate_application(sections, ctx()) == []


def test_an_ongoing_job_still_needs_a_start_date_not_in_the_future() -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    item = experience_item(DOCS, end_date=None, start_date=tomorrow)
    assert fields(check_section("experience", {"items": [item]}, ctx()).errors) == ["experience.items.0.start_date"]


def test_a_submission_names_every_missing_field_of_a_draft() -> None:
    sections = all_sections(DOCS)
    sections["experience"] = {"items": [{k: v for k, v in experience_item(DOCS).items() if k != "position"}]}
    sections["personal"] = {k: v for k, v in sections["personal"].items() if k != "postal_code"}
    assert set(fields(validate_application(sections, ctx()))) == {"experience.items.0.position",
                                                                   "personal.postal_code"}
