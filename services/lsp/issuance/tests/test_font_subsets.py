"""The embedded-font subsets made once per glyph set (font_subsets.py): replayed byte for byte,
shared by documents with the same glyphs, and no change for fpdf2 documents that do not opt in."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from services.lsp.issuance import font_resources, font_subsets
from services.lsp.issuance import pdf as certificate_pdf
from services.lsp.issuance.pdf import render_certificate
from services.lsp.issuance.tests.test_pdf_fonts import BASE


def _dejavu() -> certificate_pdf.Path:
    for d in certificate_pdf._FONT_DIRS:
        if (d / "DejaVuSans.ttf").is_file():
            return d / "DejaVuSans.ttf"
    pytest.skip("DejaVu Sans is not installed")


def _font_streams(pdf: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    resources: Any = reader.pages[0]["/Resources"]
    fonts: Any = resources["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        out.append(descriptor["/FontFile2"].get_object().get_data())
    return out


def test_documents_with_the_same_glyphs_share_one_subset() -> None:
    _dejavu()
    render_certificate(BASE)
    before, replays_before = font_subsets.stats(), font_resources.stats()["hits"]
    first = render_certificate(dataclasses.replace(BASE, full_name="Aaaa Bbbb"))
    second = render_certificate(dataclasses.replace(BASE, full_name="Zzzz Yyyy"))
    after, replays = font_subsets.stats(), font_resources.stats()["hits"] - replays_before
    # Two fonts, two documents, all ASCII: each font from the subset cache, or replayed with
    # the objects made from it (font_resources.py), never subset again.
    assert after["hits"] - before["hits"] + replays == 4
    assert after["misses"] == before["misses"]
    assert _font_streams(first) == _font_streams(second)
    assert "Zzzz Yyyy" in PdfReader(io.BytesIO(second)).pages[0].extract_text()


def test_the_cached_subset_is_the_one_fpdf2_makes() -> None:
    """The same document through fpdf2's own add_font and subsetting embeds the same font bytes
    for the same glyphs."""
    path = _dejavu()
    font_subsets.install()
    text = "Budi Santoso é ü"

    def document(cached: bool) -> bytes:
        pdf = FPDF()
        if cached:
            certificate_pdf._add_cached_font(pdf, "DejaVu", "", path, reduced=False)
        else:
            pdf.add_font("DejaVu", "", str(path))
            for code in certificate_pdf.ASCII_PADDING:
                font: Any = pdf.fonts["dejavu"]
                font.subset.pick(code)
        pdf.add_page()
        pdf.set_font("DejaVu", "", 12)
        pdf.cell(0, 10, text)
        return bytes(pdf.output())

    plain, cached = document(False), document(True)
    assert _font_streams(plain) == _font_streams(cached)
    assert text in PdfReader(io.BytesIO(cached)).pages[0].extract_text()
    assert text in PdfReader(io.BytesIO(plain)).pages[0].extract_text()
