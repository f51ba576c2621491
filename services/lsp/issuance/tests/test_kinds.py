"""Validity and the certificate's line per kind of application (plain rules)."""

from __future__ import annotations

from datetime import date

import pytest

from services.lsp.issuance.pdf import CertificateData, field_rows
from services.lsp.issuance.rules import certificate_valid_until, keterangan


def test_baru_and_renewal_run_five_years_from_issue() -> None:
    for kind in ("baru", "perpanjangan"):
        assert certificate_valid_until(date(2026, 12, 3), 5, application_kind=kind,
                                       previous_valid_until=date(2027, 3, 1)) == date(2031, 12, 2)


def test_a_change_keeps_the_held_validity_end() -> None:
    assert certificate_valid_until(date(2026, 12, 3), 5, application_kind="perubahan",
                                   previous_valid_until=date(2027, 3, 1)) == date(2027, 3, 1)
    with pytest.raises(ValueError):
        certificate_valid_until(date(2026, 12, 3), 5, application_kind="perubahan", previous_valid_until=None)


def test_the_line_naming_what_the_certificate_follows() -> None:
    assert keterangan("baru", previous_skk_number=None, replaces=None) is None
    assert keterangan("perpanjangan", previous_skk_number="SKK-1", replaces="REC-1") == "Perpanjangan dari SKK SKK-1"
    assert keterangan("perubahan", previous_skk_number="SKK-1", replaces="REC-1") == (
        "Perubahan data; menggantikan sertifikat REC-1")


def test_the_line_is_a_row_of_the_certificate_only_when_there_is_one() -> None:
    data = CertificateData(
        full_name="Budi", nik="3171011708850001", klasifikasi_code="SI", subklasifikasi_code="SI01",
        jabatan_kerja_code="SI011002", kualifikasi="Ahli", jenjang=7, lsp_code="LSP-A", lsp_name="LSP A",
        skk_number="SKK-1", registration_number="R", recording_number="N", issued_on=date(2026, 1, 1),
        valid_until=date(2030, 12, 31), verification_url="http://lpjk.test/v/N")
    assert "Keterangan" not in dict(field_rows(data))
    data = CertificateData(**{**data.__dict__, "keterangan": "Perpanjangan dari SKK SKK-0"})
    assert dict(field_rows(data))["Keterangan"] == "Perpanjangan dari SKK SKK-0"
