"""The one-page e-certificate (SPEC section 5), in Bahasa Indonesia, with its QR code.

Rendered with fpdf2; the QR code (segno) encodes LPJK's verification URL, which carries LPJK's
signed payload. The same URL is written into the document's XMP metadata (``skk:VerificationURL``)
so a verifier reads the payload without decoding the QR image, and then checks that the QR image
is the one drawn from it; the metadata is drawn before :mod:`signing` signs the result, so the
signature covers it.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.lsp.issuance.pdf_text import text_cell
from services.lsp.issuance.rules import tanggal
from shared.certificate_pdf import xmp_metadata
from shared.reference import get_reference
from shared.reference.identity import mask_nik

if TYPE_CHECKING:  # fpdf, segno and fontTools are imported on the first certificate, not at start-up
    from fpdf import FPDF

TITLE = "SERTIFIKAT KOMPETENSI KERJA KONSTRUKSI"
# Where the visible signature goes (mm from the top-left of an A4 page); signing.py draws it.
SIGNATURE_BOX_MM = (110.0, 243.0, 195.0, 270.0)
PAGE_HEIGHT_MM = 297.0

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class CertificateData:
    full_name: str
    nik: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str
    kualifikasi: str
    jenjang: int
    lsp_code: str
    lsp_name: str
    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: date
    valid_until: date
    verification_url: str
    # A renewal or a change: which certificate this one follows ("Perpanjangan dari SKK ...").
    keterangan: str | None = None


def _name(table: dict[str, dict[str, object]], code: str) -> str:
    item = table.get(code)
    return f"{item['name']} ({code})" if item else code


def field_rows(data: CertificateData) -> list[tuple[str, str]]:
    """Every field SPEC section 5 names, as (label, value), in the certificate's order."""
    ref = get_reference()
    return [
        ("Nama", data.full_name),
        ("NIK", mask_nik(data.nik)),
        ("Klasifikasi", _name(ref.klasifikasi, data.klasifikasi_code)),
        ("Subklasifikasi", _name(ref.subklasifikasi, data.subklasifikasi_code)),
        ("Jabatan Kerja", _name(ref.jabatan_kerja, data.jabatan_kerja_code)),
        ("Kualifikasi", data.kualifikasi),
        ("Jenjang (KKNI)", str(data.jenjang)),
        ("Lembaga Sertifikasi Profesi", f"{data.lsp_name} ({data.lsp_code})"),
        ("Nomor SKK", data.skk_number),
        ("Nomor Registrasi BNSP", data.registration_number),
        ("Nomor Pencatatan LPJK", data.recording_number),
        ("Tanggal Terbit", tanggal(data.issued_on)),
        ("Berlaku Sampai", tanggal(data.valid_until)),
        *([("Keterangan", data.keterangan)] if data.keterangan else []),
    ]


def _qr(url: str) -> Any:
    # A fixed mask skips segno's evaluation of all eight (the slow part); error level M keeps
    # the code readable when printed small.
    import segno

    return segno.make_qr(url, error="m", mask=0, boost_error=False)


def qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    _qr(url).save(buf, kind="png", scale=4, border=4)
    return buf.getvalue()


def qr_image(url: str) -> Any:
    """The same pixels as :func:`qr_png` (scale 4, border 4, 1 bit), as a PIL image: fpdf2
    embeds it directly, without encoding a PNG and decoding it again."""
    from PIL import Image

    matrix = _qr(url).matrix
    n, border, scale = len(matrix), 4, 4
    size = n + 2 * border
    raw = bytearray(b"\xff" * (size * size))
    for y, row in enumerate(matrix):
        start = (y + border) * size + border
        raw[start:start + n] = bytes(0 if dark else 255 for dark in row)
    image = Image.frombytes("L", (size, size), bytes(raw))
    return image.resize((size * scale, size * scale), Image.Resampling.NEAREST).convert("1")


# fpdf2 subsets the embedded font for every document, and DejaVu Sans has some 6,000 glyphs:
# decompiling and recompiling them is most of a certificate's rendering time. The font is
# therefore parsed once per process, and a reduced copy holding the Latin scripts (and common
# punctuation) serves every document whose text stays inside them; any other document gets the
# whole font, so every name still renders.
_REDUCED_RANGES = ((0x0000, 0x036F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x215F))
_REDUCED_CHARS = frozenset(c for lo, hi in _REDUCED_RANGES for c in range(lo, hi + 1))
ASCII_PADDING = range(0x21, 0x7F)


@dataclass(frozen=True)
class _ParsedFont:
    template: Any  # fpdf.fonts.TTFFont, parsed once per process
    data: bytes  # the font file it was parsed from
    tags: frozenset[str]  # its tables


_FONT_CACHE: dict[tuple[str, str, bool], _ParsedFont] = {}
_FONT_LOCK = threading.Lock()


def _parsed_font(path: Path, style: str, reduced: bool) -> _ParsedFont:
    key = (str(path), style, reduced)
    cached = _FONT_CACHE.get(key)
    if cached is not None:
        return cached
    with _FONT_LOCK:
        cached = _FONT_CACHE.get(key)
        if cached is None:
            from fontTools import subset
            from fontTools.ttLib import TTFont
            from fpdf import FPDF
            from fpdf.fonts import TTFFont

            data = path.read_bytes()
            if reduced:
                # recalcBBoxes=False: the kept glyphs are copied as they are, not decompiled and
                # compiled again to recompute bounds they already have (about 60 % of this step's
                # CPU, ~60 ms per style once per process); head and maxp keep the whole font's
                # values, which still bound the reduced one.
                font = TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
                for tag in ("FFTM", "GPOS", "GSUB", "GDEF", "MATH"):  # fpdf2 drops them anyway
                    if tag in font:
                        del font[tag]
                options = subset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True,
                                         name_IDs=["*"], name_languages=["*"], layout_features=[])
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=sorted(_REDUCED_CHARS))
                subsetter.subset(font)
                out = io.BytesIO()
                font.save(out)
                data = out.getvalue()
            template = TTFFont(FPDF(), io.BytesIO(data), "f" + style, style)  # type: ignore[arg-type]
            cached = _FONT_CACHE[key] = _ParsedFont(template, data, frozenset(template.ttfont.keys()))
    return cached


def _add_cached_font(pdf: FPDF, family: str, style: str, path: Path, reduced: bool) -> None:
    """``pdf.add_font(family, style, path)`` from the parsed copy: the document gets its own
    font object (its own subset map), sharing only what fpdf2 never changes (metrics, character
    map, descriptor); its font file is subset once per glyph set (:mod:`font_subsets`), and its
    font objects are replayed for a subset map seen before (:mod:`font_resources`)."""
    from fpdf.fonts import TTFFont

    from services.lsp.issuance import font_resources, font_subsets

    font_subsets.install()
    font_resources.install()
    parsed = _parsed_font(path, style, reduced)
    template = parsed.template
    font = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(template, slot):
            setattr(font, slot, getattr(template, slot))
    fontkey = f"{family.lower()}{style}"
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttfont = font_subsets.SubsetSource(f"{path}:{style}:{reduced}", parsed.data, parsed.tags)
    # fpdf2 writes the document's object number and font stream into the descriptor: its own copy.
    font.desc = copy.copy(template.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = _padded_subset(font, font.ttfont.key)
    pdf.fonts[fontkey] = font


# Per font file: the subset map's state once the ASCII padding is picked (next code, reserved
# codes, glyph -> code, glyphs the font lacks), copied into each document's own map.
_PADDED: dict[str, tuple[int, list[int], dict[Any, int], list[int]]] = {}


def _padded_subset(font: Any, key: str) -> Any:
    """A new subset map of ``font`` holding the printable ASCII glyphs: every document embeds
    them, so that most documents use the same glyph set and share one cached subset (unused,
    they cost a few kB). Picking them one by one took 0.3 ms per font and document; the map's
    state after the picks is the same every time, so it is made once and copied."""
    from fpdf.fonts import SubsetMap

    state = _PADDED.get(key)
    if state is None:
        subset = SubsetMap(font)
        for code in ASCII_PADDING:
            subset.pick(code)
        state = _PADDED[key] = (subset._next, list(subset._reserved), dict(subset._char_id_per_glyph),
                                list(font.missing_glyphs))
    next_code, reserved, char_ids, missing = state
    subset = SubsetMap.__new__(SubsetMap)
    subset.font = font
    subset._next, subset._reserved, subset._char_id_per_glyph = next_code, list(reserved), dict(char_ids)
    font.missing_glyphs[:] = missing
    return subset


def _font(pdf: FPDF, texts: list[str]) -> tuple[str, bool]:
    """DejaVu Sans when installed (every name renders); else Helvetica, Latin-1 only."""
    for d in _FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            reduced = {ord(c) for t in texts for c in t} <= _REDUCED_CHARS
            _add_cached_font(pdf, "DejaVu", "", regular, reduced)
            _add_cached_font(pdf, "DejaVu", "B", bold, reduced)
            return "DejaVu", True
    return "Helvetica", False


def render_certificate(data: CertificateData) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"{TITLE} {data.skk_number}")
    pdf.set_author(data.lsp_name)
    pdf.set_subject("e-Sertifikat SKK Konstruksi")
    pdf.set_creator("SKK Konstruksi")
    pdf.set_lang("id")
    pdf.set_xmp_metadata(xmp_metadata(data.verification_url))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    rows = field_rows(data)
    # Every text on the page: the static wording is ASCII, the rest comes from these.
    family, unicode_ok = _font(pdf, [data.full_name, data.lsp_name, data.skk_number,
                                     *(f"{label}: {value}" for label, value in rows)])

    def text(value: str) -> str:
        return value if unicode_ok else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_draw_color(30, 60, 120)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 194, 281)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 188, 275)

    pdf.set_y(22)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, "REPUBLIK INDONESIA", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 17)
    pdf.set_text_color(30, 60, 120)
    pdf.cell(0, 12, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, text(f"Nomor: {data.skk_number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    text_cell(pdf, 0, 6, text(
        f"{data.lsp_name}, Lembaga Sertifikasi Profesi berlisensi BNSP, menyatakan bahwa pemegang "
        "sertifikat ini telah dinyatakan KOMPETEN pada jabatan kerja di bawah ini:"
    ), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "B", 16)
    text_cell(pdf, 0, 9, text(data.full_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    label_w, value_w, x0 = 62.0, 118.0, 16.0
    for label, value in rows:
        pdf.set_x(x0)
        pdf.set_font(family, "", 10.5)
        y = pdf.get_y()
        text_cell(pdf, label_w, 6.6, text(label), new_x="RIGHT", new_y="TOP")
        pdf.set_xy(x0 + label_w, y)
        pdf.set_font(family, "B", 10.5)
        text_cell(pdf, value_w, 6.6, text(f": {value}"), new_x="LMARGIN", new_y="NEXT")

    qr_y = 212.0
    pdf.image(qr_image(data.verification_url), x=18, y=qr_y, w=52, h=52)
    pdf.set_font(family, "", 8.5)
    pdf.set_xy(16, qr_y + 53)
    text_cell(pdf, 70, 4, text("Pindai kode QR untuk memeriksa keabsahan sertifikat ini di LPJK. "
                               "Kode QR memuat data yang ditandatangani secara elektronik oleh LPJK."),
              align="C", new_x="RIGHT", new_y="NEXT")

    x1, y1, _, _ = SIGNATURE_BOX_MM
    pdf.set_font(family, "", 10)
    pdf.set_xy(x1, 214)
    text_cell(pdf, 85, 5.5, text(f"Diterbitkan pada {tanggal(data.issued_on)}\n{data.lsp_name}"), align="C",
              new_x="RIGHT", new_y="NEXT")
    pdf.set_xy(x1, y1 - 8)
    pdf.set_font(family, "", 8)
    pdf.cell(85, 5, "Ditandatangani secara elektronik:", align="C")
    return bytes(pdf.output())
