"""The cached fonts of the e-certificate: a Latin name takes the reduced copy, any other the
whole font, and every name is in the PDF's text either way."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from pypdf import PdfReader

from services.lsp.issuance import pdf as certificate_pdf
from services.lsp.issuance.pdf import CertificateData, render_certificate

BASE = CertificateData(
    full_name="Budi Santoso", nik="3171011708450001", klasifikasi_code="SI", subklasifikasi_code="SI01",
    jabatan_kerja_code="SI011002", kualifikasi="Ahli", jenjang=7, lsp_code="LSP-A", lsp_name="LSP Konstruksi A (dev)",
    skk_number="SI011002.7.2026.0000007", registration_number="BNSP/LSP-A/2026/0000007",
    recording_number="LPJK-2026-00000007", issued_on=date(2026, 3, 2), valid_until=date(2031, 3, 1),
    verification_url="http://127.0.0.1:8004/api/v1/public/certificates/LPJK-2026-00000007?qr=x",
)


@pytest.mark.parametrize("name", ["Budi Santoso", "Nguyễn Văn Ánh", "Дмитрий Иванов", "Ṣiti Ñuñez"])
def test_every_name_renders(name: str) -> None:
    if not any((d / "DejaVuSans.ttf").is_file() for d in certificate_pdf._FONT_DIRS):
        pytest.skip("DejaVu Sans is not installed: the core font renders Latin-1 only")
    pdf = render_certificate(dataclasses.replace(BASE, full_name=name))
    reader = PdfReader(io.BytesIO(pdf))
    assert name in reader.pages[0].extract_text()


def test_two_documents_do_not_share_font_state() -> None:
    first = render_certificate(dataclasses.replace(BASE, full_name="Aaaa Bbbb"))
    second = render_certificate(dataclasses.replace(BASE, full_name="Zzzz Yyyy"))
    assert "Zzzz Yyyy" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Aaaa Bbbb" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
