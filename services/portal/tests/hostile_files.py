"""Files an attacker would upload: polyglots, appended scripts, PDFs with active content, broken
images. Each starts with a valid signature, so only structural checks can refuse it."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from scripts.simulator.files import tiny_jpeg, tiny_pdf, tiny_png

PHP = b"<?php system($_GET['c']); ?>"


def pdf_from_objects(objects: list[bytes], *, header: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
                     trailer_extra: bytes = b"") -> bytes:
    """A PDF with correct cross-reference offsets; object 1 is the catalog."""
    out = bytearray(header)
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


_PAGES = [b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]


def pdf_with_catalog(extra: bytes, *more: bytes) -> bytes:
    """A one-page PDF whose catalog carries ``extra`` (objects ``more`` numbered from 4)."""
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", *_PAGES, *more])


def pdf_open_action_javascript() -> bytes:
    return pdf_with_catalog(b"/OpenAction 4 0 R", b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>")


def pdf_open_action_escaped_name() -> bytes:
    """/JavaScript written with #-escapes, as obfuscators do."""
    return pdf_with_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")


def pdf_launch_action() -> bytes:
    return pdf_with_catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>")


def pdf_embedded_file() -> bytes:
    return pdf_with_catalog(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                            b"<< /Type /Filespec /F (a.exe) >>")


def pdf_javascript_in_object_stream() -> bytes:
    """The JavaScript action sits in a compressed object stream, found only through the
    cross-reference stream: invisible in the file's bytes."""
    header = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    out = bytearray(header)
    offsets: dict[int, int] = {}
    plain = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", *_PAGES]
    for number, body in enumerate(plain, start=1):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    hidden = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    index = b"4 0 "
    packed = zlib.compress(index + hidden)
    offsets[5] = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
            % (len(index), len(packed)) + packed + b"\nendstream\nendobj\n")
    offsets[6] = len(out)
    rows = b"".join([
        struct.pack(">BIH", 0, 0, 65535),
        *(struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3)),
        struct.pack(">BIH", 2, 5, 0),
        *(struct.pack(">BIH", 1, offsets[n], 0) for n in (5, 6)),
    ])
    xref = zlib.compress(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d /Filter /FlateDecode >>\nstream\n"
            % len(xref) + xref + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def pdf_html_polyglot() -> bytes:
    """A PDF that is also a web page: the HTML sits in a comment a PDF reader skips."""
    return tiny_pdf("laporan").replace(
        b"%\xe2\xe3\xcf\xd3\n", b"%<html><body><script>fetch('/api/v1/me')</script></body></html>\n", 1)


def pdf_html_in_fake_compressed_stream() -> bytes:
    """HTML in a stream that claims to be Flate-compressed but is not."""
    html = b"<html><script>alert(1)</script></html>"
    return pdf_with_catalog(b"/Metadata 4 0 R",
                            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(html) + html + b"\nendstream")


def pdf_with_html_appended() -> bytes:
    return tiny_pdf("a") + b"<html><script>alert(1)</script></html>\n"


def jpeg_header_then_php() -> bytes:
    """A JFIF header and then a PHP script: what a magic-byte check takes for a JPEG."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + PHP


def jpeg_with_php_after_eoi() -> bytes:
    return tiny_jpeg("foto") + PHP


def jpeg_with_php_in_comment() -> bytes:
    """A whole JPEG whose comment segment holds an HTML page."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "JPEG", comment=b"<html><script>alert(1)</script>")
    return out.getvalue()


def png_truncated() -> bytes:
    data = tiny_png("ktp")
    return data[:len(data) - 30]


def png_with_zip_appended() -> bytes:
    return tiny_png("ktp") + b"PK\x03\x04" + b"\x00" * 26


def png_svg_in_text_chunk() -> bytes:
    text = b"Comment\x00<svg onload=alert(1)>"
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    data = tiny_png("x")
    return data[:33] + chunk + data[33:]  # after the 8-byte signature and the 25-byte IHDR


def png_too_many_pixels(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG declaring 400 megapixels in a few hundred bytes (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 16)  # far fewer rows than declared: never decoded anyway
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
