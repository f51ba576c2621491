from __future__ import annotations

import zlib

import pytest

from services.portal.domain.documents import (
    IMAGE_BROKEN,
    IMAGE_TRAILING,
    PDF_BROKEN,
    PDF_TRAILING,
    POLYGLOT,
    layout_problem,
    pdf_names,
    sha256_hex,
    sniff_content_type,
)
from services.portal.tests import hostile_files as hostile
from services.portal.tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES


@pytest.mark.parametrize(("data", "expected"), [
    (PDF_BYTES, "application/pdf"),
    (PNG_BYTES, "image/png"),
    (JPEG_BYTES, "image/jpeg"),
])
def test_allowed_types_by_content(data: bytes, expected: str) -> None:
    assert sniff_content_type(data) == expected
    assert layout_problem(data, expected) is None


@pytest.mark.parametrize("data", [
    b"",
    b"just some text pretending to be a pdf",
    b"PK\x03\x04" + b"\x00" * 60,  # a zip / docx
    b"GIF89a" + b"\x00" * 40,  # an image, but not an allowed one
    b"<html>%PDF-1.4</html>",  # a PDF marker not at the start
])
def test_everything_else_is_refused(data: bytes) -> None:
    assert sniff_content_type(data) is None


def test_sha256() -> None:
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize(("data", "content_type", "problem"), [
    (hostile.pdf_html_polyglot(), "application/pdf", POLYGLOT),
    (hostile.pdf_html_in_fake_compressed_stream(), "application/pdf", POLYGLOT),
    (hostile.pdf_with_html_appended(), "application/pdf", PDF_TRAILING),
    (PDF_BYTES + b"PK\x03\x04", "application/pdf", PDF_TRAILING),
    (PDF_BYTES.replace(b"%%EOF", b"%%EOX"), "application/pdf", PDF_BROKEN),
    (hostile.jpeg_header_then_php(), "image/jpeg", IMAGE_BROKEN),
    (hostile.jpeg_with_php_after_eoi(), "image/jpeg", IMAGE_TRAILING),
    (hostile.jpeg_with_php_in_comment(), "image/jpeg", POLYGLOT),
    (JPEG_BYTES[:-2], "image/jpeg", IMAGE_BROKEN),
    (hostile.png_truncated(), "image/png", IMAGE_BROKEN),
    (hostile.png_with_zip_appended(), "image/png", IMAGE_TRAILING),
    (hostile.png_svg_in_text_chunk(), "image/png", POLYGLOT),
    (PNG_BYTES[:40] + bytes([PNG_BYTES[40] ^ 1]) + PNG_BYTES[41:], "image/png", IMAGE_BROKEN),  # a CRC fails
])
def test_files_that_are_more_or_less_than_their_type_are_refused(data: bytes, content_type: str,
                                                                 problem: str) -> None:
    assert sniff_content_type(data) == content_type  # the magic bytes alone would let each through
    assert layout_problem(data, content_type) == problem


@pytest.mark.parametrize("data", [
    hostile.pdf_open_action_javascript(), hostile.pdf_open_action_escaped_name(), hostile.pdf_launch_action(),
    hostile.pdf_embedded_file(),
])
def test_a_pdf_naming_active_content_in_its_dictionaries_is_refused(data: bytes) -> None:
    problem = layout_problem(data, "application/pdf")
    assert problem is not None and problem.startswith("the PDF carries scripts")


def test_a_pdf_hiding_its_javascript_in_a_compressed_object_stream_passes_the_byte_checks() -> None:
    # Only a parser finds it (services/portal/files.py); the bytes show no forbidden name.
    assert layout_problem(hostile.pdf_javascript_in_object_stream(), "application/pdf") is None


def test_pdf_names_decode_their_escapes() -> None:
    assert pdf_names(b"<< /S /J#61vaScript /JS (x) /A#2fB 1 >>") == {"S", "JavaScript", "JS", "A/B"}


def _pdf_with_stream(content: bytes, *, level: int | None) -> bytes:
    body = content if level is None else zlib.compress(content, level)
    flate = b"" if level is None else b" /Filter /FlateDecode"
    stream = b"<< /Length %d%s >>\nstream\n" % (len(body), flate) + body + b"\nendstream"
    return hostile.pdf_with_catalog(b"/Metadata 4 0 R", stream)


def test_markup_inside_compressed_data_is_data_but_stored_or_plain_it_is_a_polyglot() -> None:
    page = b"BT (Tutorial: <html><body><script>...</script></body></html>) Tj ET\n" * 20
    assert layout_problem(_pdf_with_stream(page, level=9), "application/pdf") is None
    # Deflate "stored" blocks keep the bytes as they are: a browser reads the page.
    assert layout_problem(_pdf_with_stream(page, level=0), "application/pdf") == POLYGLOT
    assert layout_problem(_pdf_with_stream(page, level=None), "application/pdf") == POLYGLOT
