"""One case per section rule, for the API tests: (section, payload builder, the field the problem
names), and the passing counterparts at each rule's edge. Builders take the documents (kind -> id)."""

from __future__ import annotations

from datetime import date
from typing import Any

from stdnum import luhn

from services.portal.tests.factories import (
    case_study_item,
    certificate_item,
    education_item,
    experience_item,
    make_nik,
    personal,
    qualification,
    training_item,
)

Builder = Any  # Callable[[dict[str, str]], dict[str, Any]]


def _without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


def _docs_without(payload: dict[str, Any], kind: str) -> dict[str, Any]:
    return {**payload, "documents": _without(payload["documents"], kind)}


def _items(item: dict[str, Any]) -> dict[str, Any]:
    return {"items": [item]}


FUTURE = date(date.today().year + 2, 1, 1).isoformat()
UNKNOWN_DOC = "00000000-0000-0000-0000-000000000000"

INVALID_SECTION_CASES: list[tuple[str, Builder, str]] = [
    ("personal", lambda d: personal(d, nik="12345"), "personal.nik"),
    ("personal", lambda d: personal(d, nik="31710117088500X1"), "personal.nik"),
    ("personal", lambda d: personal(d, nik=make_nik(date(1985, 8, 18))), "personal.nik"),
    ("personal", lambda d: personal(d, nik=make_nik(gender="L"), gender="P"), "personal.nik"),
    ("personal", lambda d: personal(d, npwp="12345"), "personal.npwp"),
    ("personal", lambda d: personal(d, npwp="012345670012000"), "personal.npwp"),
    ("personal", lambda d: personal(d, birth_date=FUTURE, nik=make_nik(date.fromisoformat(FUTURE))),
     "personal.birth_date"),
    ("personal", lambda d: personal(d, birth_date="17-08-1985"), "personal.birth_date"),
    ("personal", lambda d: personal(d, gender="X"), "personal.gender"),
    ("personal", lambda d: personal(d, email="not-an-email"), "personal.email"),
    ("personal", lambda d: personal(d, phone="12ab"), "personal.phone"),
    ("personal", lambda d: personal(d, postal_code="123"), "personal.postal_code"),
    ("personal", lambda d: personal(d, province_code="99"), "personal.province_code"),
    ("personal", lambda d: personal(d, regency_code="99.99"), "personal.regency_code"),
    ("personal", lambda d: personal(d, regency_code="32.73"), "personal.regency_code"),
    ("personal", lambda d: {**personal(d), "hobby": "x"}, "personal.hobby"),
    ("personal", lambda d: {**personal(d), "documents": {**personal(d)["documents"], "photo": d["ktp"]}},
     "personal.documents.photo"),
    ("personal", lambda d: {**personal(d), "documents": {**personal(d)["documents"], "npwp": UNKNOWN_DOC}},
     "personal.documents.npwp"),
    ("personal", lambda d: {**personal(d), "documents": {**personal(d)["documents"], "apl01": d["apl01"]}},
     "personal.documents.apl01"),
    ("education", lambda d: _items(education_item(d, graduation_year=date.today().year + 1)),
     "education.items.0.graduation_year"),
    ("education", lambda d: _items(education_item(d, level="S9")), "education.items.0.level"),
    ("education", lambda d: _items(education_item(d, province_code="31")), "education.items.0.regency_code"),
    ("education", lambda d: _items(education_item(d, province_code="00")), "education.items.0.province_code"),
    ("education", lambda d: {"items": "none"}, "education.items"),
    ("experience", lambda d: _items(experience_item(d, start_date="2016-01-01", end_date="2015-12-31")),
     "experience.items.0.end_date"),
    ("experience", lambda d: _items(experience_item(d, start_date=FUTURE, end_date=FUTURE)),
     "experience.items.0.start_date"),
    ("experience", lambda d: _items(experience_item(d, end_date=FUTURE)), "experience.items.0.end_date"),
    ("experience", lambda d: _items(experience_item(d, end_date="31/12/2015")), "experience.items.0.end_date"),
    ("experience", lambda d: _items(experience_item(d, province_code="99")), "experience.items.0.province_code"),
    ("experience", lambda d: _items(experience_item(d, project_value="-1")), "experience.items.0.project_value"),
    ("training", lambda d: _items(training_item(d, start_date="2016-03-06")), "training.items.0.end_date"),
    ("training", lambda d: _items(training_item(d, lesson_hours=-1)), "training.items.0.lesson_hours"),
    ("case_studies", lambda d: _items(case_study_item(d, start_date=FUTURE, end_date=FUTURE)),
     "case_studies.items.0.start_date"),
    ("certificates", lambda d: _items(certificate_item(d, start_date="2031-01-01", end_date="2030-01-01")),
     "certificates.items.0.end_date"),
    ("certificates", lambda d: _items(certificate_item(d, start_date=FUTURE, end_date=FUTURE)),
     "certificates.items.0.start_date"),
    ("qualification", lambda d: qualification(d, kualifikasi="Ahli"), "qualification.jenjang"),
    ("qualification", lambda d: qualification(d, jenjang=5), "qualification.jenjang"),
    ("qualification", lambda d: qualification(d, kualifikasi="Mandor"), "qualification.kualifikasi"),
    ("qualification", lambda d: qualification(d, subklasifikasi_code="AR01"), "qualification.subklasifikasi_code"),
    ("qualification", lambda d: qualification(d, subklasifikasi_code="SI02"), "qualification.jabatan_kerja_code"),
    ("qualification", lambda d: qualification(d, klasifikasi_code="XX"), "qualification.klasifikasi_code"),
    ("qualification", lambda d: qualification(d, jabatan_kerja_code="SI999999"), "qualification.jabatan_kerja_code"),
    ("qualification", lambda d: qualification(d, lsp_code="LSP-Z"), "qualification.lsp_code"),
    ("qualification", lambda d: qualification(d, lsp_code="LSP-B", tuk_code="TUK-B-01"), "qualification.lsp_code"),
    ("qualification", lambda d: qualification(d, tuk_code="TUK-B-01"), "qualification.tuk_code"),
    ("qualification", lambda d: qualification(d, tuk_code="TUK-X"), "qualification.tuk_code"),
    ("qualification", lambda d: qualification(d, asosiasi_code="NOPE"), "qualification.asosiasi_code"),
    ("qualification", lambda d: qualification(d, application_kind="perpanjangan"), "qualification.application_kind"),
    ("qualification", lambda d: qualification(d, jenjang="tujuh"), "qualification.jenjang"),
    ("personal", lambda d: personal(d, full_name="Budi\nSantoso"), "personal.full_name"),
    ("personal", lambda d: personal(d, birth_place="Bandung\u202e"), "personal.birth_place"),
    ("personal", lambda d: personal(d, address="Jl. Merdeka 1\x00"), "personal.address"),
    ("experience", lambda d: _items(experience_item(d, position="Site\tEngineer")), "experience.items.0.position"),
    ("experience", lambda d: _items(experience_item(d, start_date=FUTURE, end_date=None)),
     "experience.items.0.start_date"),
]

# A required value or document left out: saved as a draft, the field listed as missing (and
# refused by the complete check of a submission).
MISSING_SECTION_CASES: list[tuple[str, Builder, str]] = [
    ("personal", lambda d: _without(personal(d), "full_name"), "personal.full_name"),
    ("personal", lambda d: _docs_without(personal(d), "ktp"), "personal.documents.ktp"),
    ("personal", lambda d: _docs_without(personal(d), "data_statement"), "personal.documents.data_statement"),
    ("education", lambda d: _items(_docs_without(education_item(d), "diploma")),
     "education.items.0.documents.diploma"),
    ("education", lambda d: _items(_docs_without(education_item(d), "institution_statement")),
     "education.items.0.documents.institution_statement"),
    ("experience", lambda d: _items(_docs_without(experience_item(d), "reference_letter")),
     "experience.items.0.documents.reference_letter"),
    ("training", lambda d: _items(_docs_without(training_item(d), "certificate")),
     "training.items.0.documents.certificate"),
    ("case_studies", lambda d: _items(_docs_without(case_study_item(d), "case_study")),
     "case_studies.items.0.documents.case_study"),
    ("qualification", lambda d: _docs_without(qualification(d), "apl02"), "qualification.documents.apl02"),
    ("qualification", lambda d: _docs_without(qualification(d), "application_letter"),
     "qualification.documents.application_letter"),
    ("personal", lambda d: personal(d, full_name="   "), "personal.full_name"),
    ("personal", lambda d: personal(d, nik=None), "personal.nik"),
    ("education", lambda d: _items(_without(education_item(d), "graduation_year")),
     "education.items.0.graduation_year"),
    ("education", lambda d: {"items": []}, "education.items"),
    ("experience", lambda d: _items(experience_item(d, position="")), "experience.items.0.position"),
    ("experience", lambda d: {"items": []}, "experience.items"),
    ("training", lambda d: _items(_without(training_item(d), "end_date")), "training.items.0.end_date"),
    ("qualification", lambda d: _without(qualification(d), "tuk_code"), "qualification.tuk_code"),
    ("qualification", lambda d: _without(qualification(d), "jenjang"), "qualification.jenjang"),
]


def _npwp16() -> str:
    ten = "012345678"
    return ten + luhn.calc_check_digit(ten) + "000000"


# Passing counterparts: the edge each rule must still let through.
VALID_SECTION_CASES: list[tuple[str, Builder]] = [
    ("personal", lambda d: personal(d)),
    ("personal", lambda d: personal(d, gender="P")),  # NIK day + 40 for women
    ("personal", lambda d: personal(d, npwp=_npwp16())),  # the 16-digit form
    ("personal", lambda d: personal(d, npwp=make_nik())),  # a NIK as NPWP (16 digits, since 2024)
    ("personal", lambda d: personal(d, phone="0812-3456 7890", regency_code="31.74")),
    ("education", lambda d: _items(education_item(d, graduation_year=date.today().year, level="SMK"))),
    ("education", lambda d: {"items": [education_item(d), education_item(d, level="S2")]}),
    ("experience", lambda d: _items(experience_item(d, start_date=date.today().isoformat(),
                                                    end_date=date.today().isoformat()))),
    ("experience", lambda d: _items(experience_item(d, project_value=0))),
    ("experience", lambda d: _items(_without(experience_item(d), "end_date"))),  # a job still held
    ("personal", lambda d: personal(d, address="Jl. Merdeka 1\nRT 02/RW 03")),  # an address on two lines
    ("training", lambda d: {"items": []}),
    ("training", lambda d: _items(training_item(d, start_date="2016-03-05", lesson_hours=0, days=0))),
    ("case_studies", lambda d: {"items": []}),
    ("case_studies", lambda d: _items(case_study_item(d))),
    ("certificates", lambda d: _items(certificate_item(d, end_date=FUTURE))),  # valid until a future date
    ("certificates", lambda d: {"items": []}),
    ("qualification", lambda d: qualification(d)),
    ("qualification", lambda d: qualification(d, lsp_code="LSP-B", kualifikasi="Ahli", jabatan_kerja_code="SI011002",
                                               jenjang=7, tuk_code="TUK-B-01", asosiasi_code="PII")),
    ("qualification", lambda d: qualification(d, kualifikasi="Operator", jabatan_kerja_code="SI013015",
                                              jenjang=_jenjang("SI013015"), tuk_code="TUK-A-02")),
]


def _jenjang(code: str) -> int:
    from shared.reference import get_reference

    return int(get_reference().jabatan_kerja[code]["jenjang"][0])


