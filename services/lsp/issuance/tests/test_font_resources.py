"""The embedded-font objects replayed for a subset map seen before (font_resources.py): the
document is the one fpdf2's own _add_fonts makes, byte for byte, and other fpdf2 documents go
through fpdf2 unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from fpdf import fpdf as fpdf_module
from fpdf import output as fpdf_output

from services.lsp.documents import apl
from services.lsp.issuance import font_resources
from services.lsp.issuance import pdf as certificate_pdf
from services.lsp.issuance.pdf import render_certificate
from services.lsp.issuance.tests.test_pdf_fonts import BASE
from services.lsp.issuance.tests.test_text_cell import APL

_NOW = datetime(2026, 3, 2, 3, 4, 5, tzinfo=UTC)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: object = None) -> _FixedClock:  # type: ignore[override]
        return cls.fromtimestamp(_NOW.timestamp(), tz=UTC)


@pytest.fixture(autouse=True)
def _same_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two renderings of one document differ only by their creation time: fixed here."""
    monkeypatch.setattr(fpdf_module, "datetime", _FixedClock)
    monkeypatch.setattr(fpdf_output, "datetime", _FixedClock)


def _dejavu() -> None:
    if not any((d / "DejaVuSans.ttf").is_file() for d in certificate_pdf._FONT_DIRS):
        pytest.skip("DejaVu Sans is not installed: no font of ours to replay")


@pytest.mark.parametrize("render", [
    lambda: render_certificate(BASE),
    lambda: render_certificate(dataclasses.replace(BASE, full_name="Nguyễn Văn Ánh")),
    lambda: render_certificate(dataclasses.replace(BASE, full_name="Дмитрий Иванов")),  # the whole font
    lambda: apl.render_apl01(APL),
    lambda: apl.render_apl02(APL),
], ids=["certificate", "certificate-latin", "certificate-cyrillic", "apl01", "apl02"])
def test_a_replayed_document_is_the_one_fpdf2_makes(render: Callable[[], bytes]) -> None:
    _dejavu()
    font_resources._CACHE.clear()
    before = font_resources.stats()
    made = render()  # fpdf2's own _add_fonts, kept
    replayed = render()
    after = font_resources.stats()
    assert after["misses"] - before["misses"] == 1
    assert after["hits"] - before["hits"] == 2  # two fonts, replayed once
    assert replayed == made


def test_a_new_glyph_is_not_replayed_from_another_subset() -> None:
    _dejavu()
    first = render_certificate(dataclasses.replace(BASE, full_name="Budi Santoso"))
    misses = font_resources.stats()["misses"]
    second = render_certificate(dataclasses.replace(BASE, full_name="Budi Santosé"))
    assert font_resources.stats()["misses"] == misses + 1
    assert first != second


def test_other_documents_go_through_fpdf2() -> None:
    before = font_resources.stats()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 10, "Budi Santoso")
    assert bytes(pdf.output()).startswith(b"%PDF")
    assert font_resources.stats() == before
