"""The cached fonts of the e-certificate: a Latin name takes the reduced copy, any other the
whole font, and every name is in the PDF's text either way."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from typing import Any

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


def test_the_reduced_font_keeps_the_glyphs_and_widths_of_the_whole_font() -> None:
    """The reduced copy is made without recomputing bounds (pdf._parsed_font): every glyph it
    keeps has the outline and advance width it has in the whole font."""
    from fontTools.ttLib import TTFont

    path = next((d / "DejaVuSans.ttf" for d in certificate_pdf._FONT_DIRS if (d / "DejaVuSans.ttf").is_file()), None)
    if path is None:
        pytest.skip("DejaVu Sans is not installed")
    whole = TTFont(str(path))
    reduced = TTFont(io.BytesIO(certificate_pdf._parsed_font(path, "", True).data))
    whole_cmap, reduced_cmap = whole.getBestCmap(), reduced.getBestCmap()
    assert set(reduced_cmap) == {c for c in whole_cmap if c in certificate_pdf._REDUCED_CHARS}
    for code in (0x41, 0x67, 0xE9, 0x1EC5, 0x20AC):  # A g é ễ €
        name = reduced_cmap[code]
        assert reduced["hmtx"][name] == whole["hmtx"][whole_cmap[code]]
        assert reduced["glyf"][name].getCoordinates(reduced["glyf"])[0] == \
            whole["glyf"][whole_cmap[code]].getCoordinates(whole["glyf"])[0]


@pytest.mark.parametrize("reduced", [True, False])
def test_the_copied_padding_is_the_map_the_picks_make(reduced: bool) -> None:
    """Each document's subset map starts as a copy of the padded one (pdf._padded_subset): the
    same codes for the same glyphs as picking the padding one by one, and its own from there."""
    from fpdf import FPDF
    from fpdf.fonts import SubsetMap

    path = next((d / "DejaVuSans.ttf" for d in certificate_pdf._FONT_DIRS if (d / "DejaVuSans.ttf").is_file()), None)
    if path is None:
        pytest.skip("DejaVu Sans is not installed")
    first, second = FPDF(), FPDF()
    for pdf in (first, second):
        certificate_pdf._add_cached_font(pdf, "DejaVu", "", path, reduced)
    font: Any = first.fonts["dejavu"]
    other: Any = second.fonts["dejavu"]
    picked = SubsetMap(font)
    for code in certificate_pdf.ASCII_PADDING:
        picked.pick(code)
    assert list(font.subset.items()) == list(picked.items())
    assert (font.subset._next, font.subset._reserved) == (picked._next, picked._reserved)
    font.subset.pick(0xE9)  # é: in the first document's map only
    assert len(font.subset) == len(picked) + 1
    assert len(other.subset) == len(picked)
