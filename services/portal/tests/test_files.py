"""The parsers' view of an upload (services/portal/files.py): real files from the usual tools
pass, files that only look like their type do not."""

from __future__ import annotations

import io
import zlib

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter

from services.portal.domain.documents import IMAGE_BROKEN, IMAGE_TRAILING, PDF_BROKEN, POLYGLOT, layout_problem
from services.portal.files import PDF_ENCRYPTED, structure_problem
from services.portal.tests import hostile_files as hostile
from services.portal.tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES


def fpdf_document(link: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Surat keterangan pengalaman kerja", link=link or "")
    return bytes(pdf.output())


def pypdf_document(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str, mode: str = "RGB", size: tuple[int, int] = (64, 48), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("L", "1") else (200, 100, 50)).save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(("data", "content_type"), [
    (PDF_BYTES, "application/pdf"),
    (fpdf_document(), "application/pdf"),
    (fpdf_document(link="https://lpjk.pu.go.id/"), "application/pdf"),
    (pypdf_document(), "application/pdf"),
    (JPEG_BYTES, "image/jpeg"),
    (image("JPEG"), "image/jpeg"),
    (image("JPEG", "L"), "image/jpeg"),
    (image("JPEG", size=(1600, 1200), progressive=True, quality=90), "image/jpeg"),
    (PNG_BYTES, "image/png"),
    (image("PNG"), "image/png"),
    (image("PNG", "RGBA"), "image/png"),
    (image("PNG", "1"), "image/png"),
    (image("PNG", "P"), "image/png"),
])
def test_files_from_the_usual_tools_pass(data: bytes, content_type: str) -> None:
    assert structure_problem(data, content_type) is None


@pytest.mark.parametrize(("data", "content_type", "problem"), [
    (hostile.pdf_html_polyglot(), "application/pdf", POLYGLOT),
    (hostile.jpeg_header_then_php(), "image/jpeg", IMAGE_BROKEN),
    (hostile.jpeg_with_php_after_eoi(), "image/jpeg", IMAGE_TRAILING),
    (hostile.png_truncated(), "image/png", IMAGE_BROKEN),
    (pypdf_document(password="rahasia"), "application/pdf", PDF_ENCRYPTED),
])
def test_polyglots_and_broken_files_are_refused(data: bytes, content_type: str, problem: str) -> None:
    assert structure_problem(data, content_type) == problem


@pytest.mark.parametrize("data", [
    hostile.pdf_open_action_javascript(),
    hostile.pdf_javascript_in_object_stream(),  # found only by walking the parsed objects
    hostile.pdf_launch_action(),
    hostile.pdf_embedded_file(),
    hostile.pdf_with_catalog(b"/OpenAction << /S /URI /URI (https://phishing.example/) >>"),
    hostile.pdf_with_catalog(b"/Outlines << /First << /A << /S /URI /URI (javascript:alert\\(1\\)) >> >> >>"),
])
def test_pdfs_with_active_content_are_refused(data: bytes) -> None:
    problem = structure_problem(data, "application/pdf")
    assert problem is not None and problem.startswith("the PDF carries scripts"), problem


def test_a_pdf_opening_on_a_page_of_its_own_passes() -> None:
    # fpdf2 writes such an OpenAction (a destination); so does a GoTo action.
    assert structure_problem(hostile.pdf_with_catalog(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
                             "application/pdf") is None


def test_a_pdf_pypdf_cannot_parse_strictly_is_refused() -> None:
    # Right bytes at both ends, nothing usable between.
    broken = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    assert layout_problem(broken, "application/pdf") is None
    assert structure_problem(broken, "application/pdf") == PDF_BROKEN


def test_images_are_decoded_within_a_pixel_budget() -> None:
    bomb = hostile.png_too_many_pixels()  # 400 megapixels in a few hundred bytes
    assert len(bomb) < 2000
    problem = structure_problem(bomb, "image/png")
    assert problem is not None and problem.startswith("the image is too large")
    # Below Pillow's own limit, the portal's budget still holds.
    problem = structure_problem(hostile.png_too_many_pixels(7500, 7500), "image/png")
    assert problem == "the image is too large (7500 x 7500 pixels; at most 40000000 pixels)"
    assert structure_problem(image("PNG", size=(2000, 1000)), "image/png", max_image_pixels=1_000_000) is not None
    assert structure_problem(image("PNG", size=(1000, 1000)), "image/png", max_image_pixels=1_000_000) is None


def test_an_image_whose_chunks_hold_together_but_whose_pixels_do_not_decode_is_refused() -> None:
    whole = image("PNG", size=(64, 64))
    at = whole.index(b"IDAT")
    length = int.from_bytes(whole[at - 4:at], "big")
    pixels = bytes(b ^ 0x5A for b in whole[at + 4:at + 4 + length])  # no longer zlib data
    crc = zlib.crc32(b"IDAT" + pixels).to_bytes(4, "big")  # a correct checksum over the wrong bytes
    damaged = whole[:at + 4] + pixels + crc + whole[at + 8 + length:]
    assert layout_problem(damaged, "image/png") is None
    assert structure_problem(damaged, "image/png") == IMAGE_BROKEN


def test_a_jpeg_cut_short_is_refused() -> None:
    whole = image("JPEG", size=(256, 256), quality=95)
    assert structure_problem(whole[:len(whole) // 2], "image/jpeg") == IMAGE_BROKEN
