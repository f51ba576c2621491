"""Personal data never reaches a log line in clear: NIK and NPWP in every written form, emails,
phone numbers and names, through structlog and through stdlib logging alike."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import shared.logging as shared_logging
from shared.logging import configure_logging, get_logger, mask_personal_data

NIK = "3171011708450001"
NIK_FORMS = ["3171011708450001", "3171 0117 0845 0001", "3171-01-17-0845-0001", "3171.0117.0845.0001",
             "317101 170845 0001"]
NPWP_FORMS = ["01.234.567.8-901.000", "012345678901000", "0123456789010001", "01 234 567 8 901 000"]
EMAIL = "budi.santoso@example.id"
PHONE_FORMS = ["+62 812-3456-7890", "+6281234567890", "6281234567890", "62 812 3456 7890", "081234567890",
               "0812-3456-7890", "0812 3456 7890", "0812.3456.7890", "+62 21 5550 1234"]
CLEAR = [*NIK_FORMS, *NPWP_FORMS, EMAIL, *PHONE_FORMS]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


@pytest.mark.parametrize("value", NIK_FORMS + NPWP_FORMS)
def test_every_written_form_of_a_nik_or_npwp_is_masked_but_its_first_four_digits(value: str) -> None:
    masked = mask_personal_data(f"nomor {value}.")
    assert value not in masked
    assert masked.startswith("nomor " + value[:4]) and masked.endswith(".")
    assert len(_digits(masked)) == 4


@pytest.mark.parametrize("value", PHONE_FORMS)
def test_indonesian_phone_numbers_are_masked(value: str) -> None:
    masked = mask_personal_data(f"hp {value} ya")
    assert value not in masked and _digits(value) not in _digits(masked)
    assert len(_digits(masked)) == 4 and masked.endswith(" ya")


def test_emails_keep_their_first_character_and_domain() -> None:
    assert mask_personal_data(f"kirim ke {EMAIL}, cc a@b.co.id") == "kirim ke b***@example.id, cc a***@b.co.id"


@pytest.mark.parametrize("text", [
    "invoice INV-2025-000123 amount 1500000",
    "at 2025-08-17T10:30:45.123456+00:00 after 0.25s",
    "correlation 3f2a9c1b0d8e4f7a9b6c5d4e3f2a1b0c",
    "sha256 1234567890123456abcdef1234567890abcdef1234567890abcdef12345678",
    "application 12345678-1234-1234-1234-123456789abc",
    "jenjang 6 kode SI012001 region 31.71.01",
])
def test_ordinary_numbers_and_identifiers_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text


@pytest.fixture
def configured(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The service's logging set up afresh (stdlib handler included), restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, shared_logging._configured)
    shared_logging._configured = False
    configure_logging("INFO", json=True)
    try:
        yield capsys
    finally:
        root.handlers, shared_logging._configured = saved[0], saved[2]
        root.setLevel(saved[1])
        configure_logging("INFO", json=True)


def _assert_nothing_clear(out: str) -> None:
    for value in CLEAR:
        assert value not in out, value
    assert "Budi" not in out and "Santoso" not in out


@dataclass
class Applicant:
    email: str
    phone: str


def test_structlog_events_are_masked_in_keys_values_and_nesting(configured: pytest.CaptureFixture[str]) -> None:
    get_logger("t").info(
        f"registered {EMAIL} with NIK {NIK_FORMS[1]}",
        nik=NIK, first_name="Budi", last_name="Santoso", full_name="Budi Santoso", phone=PHONE_FORMS[0],
        email=EMAIL, nik_as_number=int(NIK),
        details={"npwp_written": NPWP_FORMS[0], NIK_FORMS[2]: "a NIK as a key",
                 "contacts": [PHONE_FORMS[4], (NIK_FORMS[3], NPWP_FORMS[3])],
                 "applicant": Applicant(EMAIL, "0812.3456.7890")},
        phones=PHONE_FORMS, npwps=NPWP_FORMS, niks=NIK_FORMS,
    )
    out = configured.readouterr().err
    _assert_nothing_clear(out)
    record = json.loads(out.strip().splitlines()[-1])
    assert record["nik"] == record["first_name"] == record["full_name"] == record["phone"] == "***"
    assert record["email"] == "b***@example.id"
    assert record["nik_as_number"] == "3171************"
    assert record["event"] == "registered b***@example.id with NIK 3171 **** **** ****"
    assert "3171-**-**-****-****" in record["details"]


def test_stdlib_records_are_masked_whatever_their_arguments(configured: pytest.CaptureFixture[str]) -> None:
    class Person:
        def __str__(self) -> str:
            return f"Person({EMAIL}, {PHONE_FORMS[5]})"

    lib = logging.getLogger("some.library")
    lib.info("user %s nik %s", EMAIL, NIK_FORMS[1])
    lib.info("%(who)s called from %(phone)s", {"who": EMAIL, "phone": PHONE_FORMS[6]})
    lib.info("pair %s", (NIK_FORMS[3], NPWP_FORMS[0]))
    lib.info("number %d object %s", int(NIK), Person())
    lib.warning(f"already formatted {NPWP_FORMS[2]} {PHONE_FORMS[3]}")
    lib.info(dict(nik=NIK_FORMS[4], npwp=NPWP_FORMS[1]))
    try:
        raise ValueError(f"duplicate NIK {NIK_FORMS[2]} for {EMAIL} ({PHONE_FORMS[7]})")
    except ValueError:
        lib.exception("insert failed")
    out = configured.readouterr().err
    _assert_nothing_clear(out)
    assert "user b***@example.id nik 3171 **** **** ****" in out
    assert "number 3171************ object Person(b***@example.id" in out
    assert "ValueError: duplicate NIK 3171-**-**-****-**** for b***@example.id" in out
    assert out.count("some.library") == 7


def test_stdlib_arguments_that_do_not_format_are_still_masked(configured: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("careless").error("two %s %s but one", NIK)
    out = configured.readouterr().err
    assert NIK not in out and "two %s %s but one" in out and "3171************" in out
