"""Small valid files to upload: a one-page PDF, a PNG and a JPEG, each unique (a nonce inside),
so that no two uploads share a SHA-256 and a content-addressed store cannot merge them. The
portal parses what it is sent (pypdf, Pillow): these are whole, plain files."""

from __future__ import annotations

import io
import struct
import uuid
import zlib

from PIL import Image


def tiny_pdf(text: str) -> bytes:
    """A well-formed one-page PDF (correct xref offsets) showing ``text``."""
    safe = "".join(c for c in text if c.isascii() and c not in "()\\")[:120]
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def tiny_png(note: str = "") -> bytes:
    """An 8x8 RGB PNG; ``note`` (and a nonce) go into a tEXt chunk."""
    width = height = 8
    raw = b"".join(b"\x00" + bytes([200, 180, 160]) * width for _ in range(height))
    text = f"Comment\x00{note} {uuid.uuid4().hex}".encode("latin-1", "replace")
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"tEXt", text)
            + _chunk(b"IDAT", zlib.compress(raw))
            + _chunk(b"IEND", b""))


def tiny_jpeg(note: str = "") -> bytes:
    """An 8x8 JPEG; ``note`` (and a nonce) go into its comment."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 180, 160)).save(out, "JPEG", comment=f"{note} {uuid.uuid4().hex}".encode())
    return out.getvalue()


def document(kind: str, owner: str) -> tuple[str, bytes, str]:
    """``(filename, bytes, content type)`` for a document slot: the photo is a PNG, the rest PDFs."""
    if kind == "photo":
        return f"{kind}.png", tiny_png(owner), "image/png"
    return f"{kind}.pdf", tiny_pdf(f"{kind} {owner} {uuid.uuid4().hex}"), "application/pdf"
