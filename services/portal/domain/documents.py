"""What an uploaded file is, judged by its bytes alone (never by its name or the client's
declared content type), and whether its bytes hold together as that type and nothing else.

The checks here read the bytes only; services/portal/files.py adds the parsers (pypdf, Pillow)
that must also accept the file. A file is refused when:

- it does not start with its type's signature at byte 0;
- anything follows the end of the file's own structure: after the last ``%%EOF`` of a PDF
  (whitespace aside), after the EOI marker of a JPEG, after the IEND chunk of a PNG (an
  appended script, archive or second file; phone "motion photos" with a video after the JPEG
  are refused too and must be saved again as plain photos);
- it carries markup a browser or a server would run (:data:`MARKUP_PATTERN`) anywhere outside
  compressed data (a polyglot);
- a PDF's dictionaries name active content (:data:`FORBIDDEN_PDF_NAMES`).
"""

from __future__ import annotations

import hashlib
import re
import zlib

ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")
# The signature each allowed type must start with: puremagic also matches signatures at other
# offsets, and a polyglot with a PDF marker deep inside is not a PDF we want.
_LEADING = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}

# Web page, SVG and server-script markup, case-insensitive. Tags short enough to occur by chance
# in binary data need a delimiter after them.
MARKUP_PATTERN = re.compile(
    rb"<(?:html|head|body|script|iframe|frameset|frame|svg|img|object|embed|applet|meta|link|style|form|base)"
    rb"[\s/>]|<!doctype|<\?php|<\?xml-stylesheet",
    re.IGNORECASE,
)
# Names that make a PDF do something besides show pages: scripts, actions run on opening or on
# events, programs launched, forms posted, files embedded or fetched, multimedia, XFA forms.
FORBIDDEN_PDF_NAMES = frozenset({
    "JS", "JavaScript", "AA", "Launch", "SubmitForm", "ImportData", "GoToR", "GoToE", "EmbeddedFile",
    "EmbeddedFiles", "FileAttachment", "RichMedia", "RichMediaContent", "RichMediaExecute", "XFA", "Sound",
    "Movie", "Rendition",
})

NOT_ALLOWED = "not a PDF, JPEG or PNG file"
POLYGLOT = "the file also carries web page or script code (HTML, SVG or PHP)"
PDF_BROKEN = "not a readable PDF file"
PDF_TRAILING = "the file continues after the end of the PDF (%%EOF)"
IMAGE_BROKEN = "the image is damaged or incomplete"
IMAGE_TRAILING = "the file continues after the end of the image"

_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_STREAM_START = re.compile(rb">>[\x00\t\n\x0c\r ]*stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter[\x00\t\n\x0c\r ]*(\[[^\]]*\]|/[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Inflating a stream to tell compressed data from text: stop well before a bomb would hurt.
_MAX_INFLATED = 16 * 1024 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COMPRESSED = frozenset({b"IDAT", b"fdAT", b"zTXt", b"iCCP"})


def sniff_content_type(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png``; None for anything else."""
    if not data:
        return None
    import puremagic  # here, not at start-up: only uploads need it (1 MiB of idle RSS, issue 17)

    try:
        guessed = puremagic.from_string(data[:8192], mime=True)
    except (puremagic.PureError, ValueError):
        return None
    if guessed not in _LEADING:
        return None
    return guessed if data.startswith(_LEADING[guessed]) else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def carries_markup(data: bytes) -> bool:
    return MARKUP_PATTERN.search(data) is not None


def layout_problem(data: bytes, content_type: str) -> str | None:
    """Why the bytes do not hold together as ``content_type`` alone; None when they do."""
    if content_type == "application/pdf":
        return pdf_layout_problem(data)
    if content_type == "image/jpeg":
        return jpeg_layout_problem(data)
    if content_type == "image/png":
        return png_layout_problem(data)
    return NOT_ALLOWED


# PDF


def pdf_layout_problem(data: bytes) -> str | None:
    if not data.startswith(b"%PDF-"):
        return PDF_BROKEN
    end = data.rfind(b"%%EOF")
    if end < 0:
        return PDF_BROKEN
    if data[end + len(b"%%EOF"):].strip(_PDF_WHITESPACE):
        return PDF_TRAILING
    outside_streams, outside_compressed = _pdf_parts(data)
    if carries_markup(outside_compressed):
        return POLYGLOT
    named = pdf_names(outside_streams) & FORBIDDEN_PDF_NAMES
    if named:
        return active_pdf(named)
    return None


def active_pdf(names: set[str] | frozenset[str]) -> str:
    return (f"the PDF carries scripts, actions, attachments or multimedia ({', '.join(sorted(names))}); "
            "print or export it to a plain PDF")


def pdf_names(text: bytes) -> set[str]:
    """The names (``/Name``, ``#xx`` escapes decoded) written in ``text``."""
    out: set[str] = set()
    for m in _PDF_NAME.finditer(text):
        raw = _NAME_ESCAPE.sub(lambda e: bytes([int(e.group(1), 16)]), m.group(1))
        out.add(raw.decode("latin-1"))
    return out


def _pdf_parts(data: bytes) -> tuple[bytes, bytes]:
    """The PDF without any stream's data (its objects' dictionaries), and without the data of
    its compressed streams only (what a browser sniffing the file would read as text)."""
    no_streams: list[bytes] = []
    no_compressed: list[bytes] = []
    pos = 0
    for m in _STREAM_START.finditer(data):
        if m.start() < pos:
            continue  # "stream" written inside a stream already skipped
        body_start = m.end()
        body_end = data.find(b"endstream", body_start)
        body_end = len(data) if body_end < 0 else body_end
        head = data[pos:body_start]
        no_streams.append(head)
        no_compressed.append(head)
        dictionary = data[max(data.rfind(b"obj", pos, m.start()), pos):m.end()]
        no_compressed.append(_uncompressed_part(dictionary, data[body_start:body_end]))
        pos = body_end
    no_streams.append(data[pos:])
    no_compressed.append(data[pos:])
    return b"".join(no_streams), b"".join(no_compressed)


def _uncompressed_part(dictionary: bytes, body: bytes) -> bytes:
    """What of a stream's data a browser would read as text. Markup in data that really is
    Flate or DCT compressed is a coincidence of the compression; anything else (no filter,
    another filter, a filter name over text, deflate "stored" blocks holding text verbatim) is
    read as it is."""
    if not MARKUP_PATTERN.search(body):
        return b""
    m = _FILTER.search(dictionary)
    first = re.search(rb"/([A-Za-z0-9]+)", m.group(1)) if m else None
    name = first.group(1).decode() if first else ""
    if name in ("FlateDecode", "Fl"):
        return _flate_plain(body)
    if name in ("DCTDecode", "DCT"):
        layout = _jpeg_layout(body.rstrip(_PDF_WHITESPACE))
        return body if layout is None else layout[1]
    return body


def _flate_plain(body: bytes) -> bytes:
    inflater = zlib.decompressobj()
    inflated: list[bytes] = []
    produced = 0
    try:
        pending = body
        while pending and not inflater.eof and produced <= _MAX_INFLATED:
            inflated.append(inflater.decompress(pending, 1024 * 1024))
            produced += len(inflated[-1])
            pending = inflater.unconsumed_tail
    except zlib.error:
        return body  # not Flate data at all
    text = b"".join(inflated).lower()
    if any(found.lower() in text for found in MARKUP_PATTERN.findall(body)):
        return body  # the markup passes through the "compression" unchanged: stored blocks
    return inflater.unused_data


# JPEG


def jpeg_layout_problem(data: bytes) -> str | None:
    layout = _jpeg_layout(data)
    if layout is None:
        return IMAGE_BROKEN
    end, plain = layout
    if end != len(data):
        return IMAGE_TRAILING
    return POLYGLOT if carries_markup(plain) else None


def _jpeg_layout(data: bytes) -> tuple[int, bytes] | None:
    """(where the image ends, after its EOI marker; its bytes without the entropy-coded scan
    data), walking the markers by their lengths; None when they do not hold together."""
    if not data.startswith(b"\xff\xd8"):
        return None
    n, pos, plain = len(data), 2, [b"\xff\xd8"]
    while pos < n:
        if data[pos] != 0xFF:
            return None
        while pos < n and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= n:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            plain.append(b"\xff\xd9")
            return pos, b"".join(plain)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            continue
        if pos + 2 > n:
            return None
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > n:
            return None
        plain.append(data[pos - 2:pos + length])
        pos += length
        if marker == 0xDA:
            scan_end = _scan_end(data, pos)
            if scan_end is None:
                return None
            pos = scan_end
    return None


def _scan_end(data: bytes, pos: int) -> int | None:
    """Where the entropy-coded data starting at ``pos`` ends: the first marker that is neither a
    stuffed 0xFF00 nor a restart marker."""
    while True:
        i = data.find(b"\xff", pos)
        if i < 0 or i + 1 >= len(data):
            return None
        following = data[i + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos = i + 2
            continue
        return i


# PNG


def png_layout_problem(data: bytes) -> str | None:
    if not data.startswith(_PNG_SIGNATURE):
        return IMAGE_BROKEN
    n, pos, plain = len(data), len(_PNG_SIGNATURE), [_PNG_SIGNATURE]
    first = True
    while True:
        if pos + 12 > n:
            return IMAGE_BROKEN
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > n or (first and kind != b"IHDR"):
            return IMAGE_BROKEN
        crc = int.from_bytes(data[end - 4:end], "big")
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            return IMAGE_BROKEN
        plain.append(data[pos:pos + 8] if kind in _PNG_COMPRESSED else data[pos:end])
        pos, first = end, False
        if kind == b"IEND":
            break
    if pos != n:
        return IMAGE_TRAILING
    return POLYGLOT if carries_markup(b"".join(plain)) else None
