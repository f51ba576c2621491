"""One-line texts drawn as a cell (pdf.text_cell) instead of through fpdf2's line breaking:
the pages draw exactly what multi_cell drew."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from services.lsp.documents import apl
from services.lsp.documents.units import seeded_units
from services.lsp.issuance import pdf_text
from services.lsp.issuance.pdf import render_certificate
from services.lsp.issuance.tests.test_pdf_fonts import BASE

UNITS: list[dict[str, Any]] = seeded_units("SI031018") or []
APL = apl.AplData(
    application_id="app-0123456789ab", submission_no=1, lsp_code="LSP-A", lsp_name="LSP Konstruksi A (dev)",
    full_name="Budi Santoso", nik="3171011708450001",
    sections={"personal": {"birth_place": "Bandung", "phone": "0812000111", "address": "Jl. Merdeka 1 " * 12},
              "education": {"items": [{"level": "S1", "institution": "ITB"}]},
              "experience": {"items": [{"experience_kind": "professional", "position": "Site Engineer",
                                        "project_name": "Proyek 1", "start_date": "2019-01-01"}]}},
    documents=[{"kind": "ktp", "sha256": "a" * 64, "content_type": "image/jpeg", "size": 2048}],
    scheme={"jabatan_kerja_code": "SI031018", "name": "Ahli Muda Teknik Jalan", "kualifikasi": "Ahli",
            "skkni": "SKKNI 2020", "requirements": {"7": [{"education_level": "S1", "min_years": 2}]},
            "units": UNITS},
    jenjang=7, application_kind="baru", tuk_code="TUK-A-01", purpose="Sertifikasi (baru)",
    self_assessment={UNITS[0]["code"]: "K"},
    recommendation=apl.Recommendation("accepted", "Admin Satu", "admin", datetime(2026, 3, 2, 10, tzinfo=UTC)),
)


def _pages(pdf: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages]  # type: ignore[union-attr]


@pytest.mark.parametrize("render", [
    lambda: render_certificate(dataclasses.replace(BASE, keterangan="Perpanjangan dari SKK " + "X" * 90)),
    lambda: apl.render_apl01(APL),
    lambda: apl.render_apl02(APL),
    # Over several pages, a row near a page break, non-Latin names (the whole font).
    lambda: apl.render_apl02(dataclasses.replace(APL, full_name="Дмитрий Иванов", scheme={
        **APL.scheme,
        "units": [{**u, "title": u["title"] + " dan " + "Nguyễn " * i} for i, u in enumerate(UNITS * 8)]})),
], ids=["certificate", "apl01", "apl02", "apl02-long"])
def test_pages_draw_what_multi_cell_drew(render, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    fast = _pages(render())
    monkeypatch.setattr(pdf_text, "wrap", lambda *args: None)
    monkeypatch.setattr(apl, "wrap", lambda *args: None)
    assert _pages(render()) == fast


def test_wrap_knows_only_plain_text() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    assert pdf_text.wrap(pdf, 60, "Budi Santoso", "L") == ["Budi Santoso"]
    assert pdf_text.wrap(pdf, 30, "Budi Santoso Wibowo", "C") == ["Budi Santoso", "Wibowo"]
    assert pdf_text.wrap(pdf, 60, "Budi\nSantoso", "L") == ["Budi", "Santoso"]
    assert pdf_text.wrap(pdf, 30, "Budi Santoso Wibowo", "J") is None  # word spacing: multi_cell's
    assert pdf_text.wrap(pdf, 60, "Budi  Santoso", "L") is None
    assert pdf_text.wrap(pdf, 10, "Budisantosowibowo", "L") is None  # broken inside the word


def test_the_measure_is_fpdf2s_string_width() -> None:
    from fpdf import FPDF

    from services.lsp.issuance.pdf import _font

    pdf = FPDF()
    family, _ = _font(pdf, ["Nguyễn Văn Ánh"])
    pdf.add_page()
    for style, size in (("", 9), ("B", 10.5), ("", 17)):
        pdf.set_font(family, style, size)
        measure = pdf_text._measure(pdf)
        for text in ("Budi Santoso", "Nguyễn Văn Ánh", "SI011002.7.2026.0000007", ""):
            assert measure(text) == pdf.get_string_width(text)


@pytest.mark.parametrize("auto_page_break", [True, False])
def test_a_framed_text_draws_the_frame_multi_cell_drew(auto_page_break: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bordered paragraph (apl._Doc.paragraph) at every height down the page, up to and over
    the bottom margin: the same page content as multi_cell's one frame around its lines."""
    from fpdf import FPDF

    from services.lsp.issuance.pdf import _font

    def page(fast: bool) -> bytes:
        pdf = FPDF()
        pdf.set_auto_page_break(auto_page_break, margin=15)
        family, _ = _font(pdf, ["Persyaratan"])
        pdf.add_page()
        pdf.set_font(family, "", 9)
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(pdf_text, "wrap", lambda *args: None)
            for i in range(60):
                pdf.set_y(200 + i * 1.37)
                pdf_text.text_cell(pdf, 0, 6, "Persyaratan jenjang 7: S1 + 2 tahun pengalaman", border=1,
                                   new_x="LMARGIN", new_y="NEXT")
        return b"".join(bytes(c) if isinstance(c := p.contents, bytearray) else c.content_stream()
                        for p in pdf.pages.values())

    assert page(fast=True) == page(fast=False)
