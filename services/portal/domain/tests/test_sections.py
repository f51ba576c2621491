from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.portal.domain.sections import (
    SECTION_DOCUMENTS,
    DocumentInfo,
    ValidationContext,
    check_section,
    referenced_documents,
    validate_application,
    validate_section,
)
from services.portal.tests.factories import ALL_KINDS, all_sections, personal
from services.portal.tests.section_cases import INVALID_SECTION_CASES, MISSING_SECTION_CASES, VALID_SECTION_CASES
from shared.reference import get_reference

DOCS = {kind: f"id-{kind}" for kind in ALL_KINDS}


def ctx(**documents: DocumentInfo) -> ValidationContext:
    infos = {f"id-{k}": DocumentInfo(k, "image/png" if k == "photo" else "application/pdf") for k in ALL_KINDS}
    infos.update(documents)
    return ValidationContext(ref=get_reference(), today=date.today(), documents=infos)


def fields(errors: list[dict[str, str]]) -> list[str]:
    return [e["field"] for e in errors]


@pytest.mark.parametrize(("section", "build", "field"), INVALID_SECTION_CASES,
                         ids=[f"{s}:{f}:{i}" for i, (s, _, f) in enumerate(INVALID_SECTION_CASES)])
def test_each_rule_refuses_and_names_the_field(section: str, build: Any, field: str) -> None:
    stored, errors = validate_section(section, build(DOCS), ctx())
    assert field in fields(errors), errors
    assert stored == {}


@pytest.mark.parametrize(("section", "build", "field"), INVALID_SECTION_CASES,
                         ids=[f"{s}:{f}:{i}" for i, (s, _, f) in enumerate(INVALID_SECTION_CASES)])
def test_a_malformed_value_is_refused_even_in_a_draft(section: str, build: Any, field: str) -> None:
    checked = check_section(section, build(DOCS), ctx())
    assert field in fields(checked.errors), checked.errors
    assert checked.stored == {} and not checked.complete


@pytest.mark.parametrize(("section", "build", "field"), MISSING_SECTION_CASES,
                         ids=[f"{s}:{f}:{i}" for i, (s, _, f) in enumerate(MISSING_SECTION_CASES)])
def test_a_missing_value_saves_a_draft_that_names_it(section: str, build: Any, field: str) -> None:
    checked = check_section(section, build(DOCS), ctx())
    assert checked.errors == [] and field in checked.missing and not checked.complete
    assert checked.stored
    # The complete check (a submission) refuses it, naming the same field.
    stored, errors = validate_section(section, build(DOCS), ctx())
    assert field in fields(errors) and stored == {}


@pytest.mark.parametrize(("section", "build"), VALID_SECTION_CASES,
                         ids=[f"{s}:{i}" for i, (s, _) in enumerate(VALID_SECTION_CASES)])
def test_each_rule_lets_the_valid_edge_through(section: str, build: Any) -> None:
    stored, errors = validate_section(section, build(DOCS), ctx())
    assert errors == []
    assert set(stored) == set(build(DOCS))


def test_unknown_section() -> None:
    assert fields(validate_section("hobbies", {}, ctx())[1]) == ["section"]


def test_payload_that_is_not_an_object() -> None:
    _, errors = validate_section("personal", ["x"], ctx())
    assert fields(errors) == ["personal"]


def test_photo_must_be_an_image() -> None:
    c = ctx(**{"id-photo": DocumentInfo("photo", "application/pdf")})
    assert "personal.documents.photo" in fields(validate_section("personal", personal(DOCS), c)[1])


def test_a_document_of_someone_else_is_not_found() -> None:
    # The context holds only the current user's documents: another id is unknown to it.
    c = ValidationContext(ref=get_reference(), today=date.today(), documents={})
    errors = validate_section("personal", personal(DOCS), c)[1]
    assert {f"personal.documents.{k}" for k in SECTION_DOCUMENTS["personal"]} <= set(fields(errors))


def test_every_error_is_reported_at_once() -> None:
    _, errors = validate_section("personal", personal(DOCS, postal_code="1", phone="x", province_code="99"), ctx())
    assert {"personal.postal_code", "personal.phone", "personal.province_code"} <= set(fields(errors))


def test_stored_form_is_normalised_json() -> None:
    stored, _ = validate_section("experience", {"items": [
        {**all_sections(DOCS)["experience"]["items"][0], "project_name": "  Jembatan  "}]}, ctx())
    assert stored["items"][0]["project_name"] == "Jembatan"
    assert stored["items"][0]["start_date"] == "2010-01-01"


def test_whole_application_valid() -> None:
    assert validate_application(all_sections(DOCS), ctx()) == []


@pytest.mark.parametrize("missing", ["personal", "education", "experience", "qualification"])
def test_required_sections(missing: str) -> None:
    sections = {k: v for k, v in all_sections(DOCS).items() if k != missing}
    assert fields(validate_application(sections, ctx())) == [missing]


@pytest.mark.parametrize("optional", ["training", "case_studies", "certificates"])
def test_optional_sections(optional: str) -> None:
    sections = {k: v for k, v in all_sections(DOCS).items() if k != optional}
    assert validate_application(sections, ctx()) == []


@pytest.mark.parametrize("section", ["education", "experience"])
def test_education_and_experience_need_an_item(section: str) -> None:
    sections = {**all_sections(DOCS), section: {"items": []}}
    assert fields(validate_application(sections, ctx())) == [f"{section}.items"]


def test_whole_application_collects_errors_of_every_section() -> None:
    sections = all_sections(DOCS)
    sections["personal"]["postal_code"] = "x"
    sections["qualification"]["jenjang"] = 9
    assert {"personal.postal_code", "qualification.jenjang"} <= set(fields(validate_application(sections, ctx())))


def test_referenced_documents_lists_each_id_once() -> None:
    sections = all_sections(DOCS)
    refs = list(referenced_documents(sections))
    ids = [i for _, i in refs]
    assert len(ids) == len(set(ids))
    # training and certificates both name the certificate document: once.
    assert set(ids) == set(DOCS.values())
