from __future__ import annotations

import pytest

from services.portal.domain.documents import sha256_hex, sniff_content_type
from services.portal.tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES


@pytest.mark.parametrize(("data", "expected"), [
    (PDF_BYTES, "application/pdf"),
    (PNG_BYTES, "image/png"),
    (JPEG_BYTES, "image/jpeg"),
])
def test_allowed_types_by_content(data: bytes, expected: str) -> None:
    assert sniff_content_type(data) == expected


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
