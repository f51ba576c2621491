"""A document's embedded-font objects replayed, not rebuilt, when its glyphs were seen before.

After the subset itself (:mod:`font_subsets`), fpdf2's ``OutputProducer._add_fonts`` still spends
some 3 ms per font and document building the same objects again: a 128 kB CIDToGIDMap assembled
character by character and deflated, the subset font deflated, the widths array and the
ToUnicode map. For a font of ours (a :class:`font_subsets.SubsetSource`) all of these depend only
on the font file and on the document's subset map (which glyph got which code, its width and its
characters), so they are kept here under exactly that key and the document gets new objects with
the same contents, added in fpdf2's order: the PDF is the same byte for byte
(tests/test_font_resources.py).

The first document with a given subset map goes through fpdf2's own ``_add_fonts``, and what it
made is kept; so does any document with a font that is not ours, a PDF/A document, or an fpdf2
version this was not checked against.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from services.lsp.issuance.font_subsets import SubsetSource

# fpdf2's _add_fonts as this module replays it (constraints.txt pins it).
CHECKED_FPDF2 = "2.8.9"
# A few kB to some 25 kB each; documents in ASCII share one entry per font (pdf.ASCII_PADDING).
MAX_ENTRIES = 256


@dataclass(frozen=True)
class _Resources:
    widths: str  # the CIDFont's /W array, as fpdf2 writes it
    to_unicode: bytes  # the ToUnicode CMap stream (fpdf2 leaves it uncompressed)
    cid_to_gid: bytes  # the CIDToGIDMap stream, deflated
    font_file: bytes  # the subset font, deflated
    font_file_length: int  # its /Length1: the subset font's size before deflating


_CACHE: OrderedDict[tuple[object, ...], _Resources] = OrderedDict()
_LOCK = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def _ours(font: Any) -> bool:
    from fpdf.fonts import TTFFont

    return (isinstance(font, TTFFont) and isinstance(font.ttfont, SubsetSource) and not font.color_font
            and not (font.is_cff and font.is_cid_keyed))


def _key(font: Any) -> tuple[object, ...]:
    """Everything of the font that its objects depend on, but the document's object numbers."""
    glyphs = tuple((g.glyph_name, g.glyph_id, g.unicode, g.glyph_width, code)
                   for g, code in font.subset.items() if g is not None)
    return (font.ttfont.key, font.name, font.desc.missing_width, glyphs)


def _deflated(data: bytes) -> Any:
    """A stream object as fpdf2 makes it with ``compress=True``, holding ``data`` already deflated."""
    from fpdf.syntax import PDFContentStream

    obj = PDFContentStream(contents=b"", compress=True)
    obj._contents, obj.length = data, len(data)
    return obj


def _replay(producer: Any, font: Any, found: _Resources) -> Any:
    """fpdf2's ``_add_fonts`` for one TrueType font (not CFF, not colour, not PDF/A), from ``found``."""
    from fpdf import output
    from fpdf.syntax import Name, PDFArray, PDFContentStream

    fontname = f"MPDFAA+{font.name}"
    if font.missing_glyphs:
        msg = ", ".join(f"'{chr(x)}' ({chr(x).encode('unicode-escape').decode()})" for x in font.missing_glyphs[:10])
        if len(font.missing_glyphs) > 10:
            msg += f", ... (and {len(font.missing_glyphs) - 10} others)"
        output.LOGGER.warning("Font %s is missing the following glyphs: %s", fontname, msg)
    composite = output.PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
    producer._add_pdf_obj(composite, "fonts")
    cid_font = output.PDFFont(subtype="CIDFontType2", base_font=fontname, d_w=font.desc.missing_width,
                              w=found.widths)
    producer._add_pdf_obj(cid_font, "fonts")
    composite.descendant_fonts = PDFArray([cid_font])
    to_unicode = PDFContentStream(found.to_unicode)
    producer._add_pdf_obj(to_unicode, "fonts")
    composite.to_unicode = to_unicode
    system_info = output.CIDSystemInfo()
    producer._add_pdf_obj(system_info, "fonts")
    cid_font.c_i_d_system_info = system_info
    descriptor = font.desc
    descriptor.font_name = Name(fontname)
    producer._add_pdf_obj(descriptor, "fonts")
    cid_font.font_descriptor = descriptor
    cid_to_gid = _deflated(found.cid_to_gid)
    producer._add_pdf_obj(cid_to_gid, "fonts")
    cid_font.c_i_d_to_g_i_d_map = cid_to_gid
    font_file = output.PDFFontStream(contents=b"")
    font_file._contents, font_file.length = found.font_file, len(found.font_file)
    font_file.length1 = found.font_file_length
    producer._add_pdf_obj(font_file, "fonts")
    descriptor.font_file2 = font_file
    font.subset.pick.cache_clear()
    font.subset.get_glyph.cache_clear()
    font.close()
    return composite


def _kept(composite: Any) -> _Resources:
    """What fpdf2's own ``_add_fonts`` made for one of our fonts."""
    cid_font = composite.descendant_fonts[0]
    font_file = cid_font.font_descriptor.font_file2
    return _Resources(widths=cid_font.w, to_unicode=composite.to_unicode._contents,
                      cid_to_gid=cid_font.c_i_d_to_g_i_d_map._contents, font_file=font_file._contents,
                      font_file_length=font_file.length1)


def _add_fonts(original: Any) -> Any:
    def add_fonts(self: Any, *args: Any, **kwargs: Any) -> dict[int, Any]:
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        if self.fpdf._compliance or not fonts or not all(_ours(font) for font in fonts):
            return original(self, *args, **kwargs)  # type: ignore[no-any-return]
        keys = [_key(font) for font in fonts]
        with _LOCK:
            found = [_CACHE.get(key) for key in keys]
            if all(f is not None for f in found):
                for key in keys:
                    _CACHE.move_to_end(key)
                _stats["hits"] += len(keys)
        replayable = [f for f in found if f is not None]
        if len(replayable) < len(found):
            made: dict[int, Any] = original(self, *args, **kwargs)
            with _LOCK:
                _stats["misses"] += 1
                for font, key in zip(fonts, keys, strict=True):
                    _CACHE[key] = _kept(made[font.i])
                while len(_CACHE) > MAX_ENTRIES:
                    _CACHE.popitem(last=False)
            return made
        return {font.i: _replay(self, font, f) for font, f in zip(fonts, replayable, strict=True)}

    add_fonts.replays = True  # type: ignore[attr-defined]
    return add_fonts


def stats() -> dict[str, int]:
    with _LOCK:
        return {**_stats, "entries": len(_CACHE)}


def install() -> None:
    """Give fpdf2's output producer the replaying ``_add_fonts`` (idempotent); nothing on an fpdf2
    version other than the one it was checked against."""
    from fpdf import FPDF_VERSION
    from fpdf.output import OutputProducer

    with _LOCK:
        current = OutputProducer._add_fonts
        if FPDF_VERSION == CHECKED_FPDF2 and not getattr(current, "replays", False):
            OutputProducer._add_fonts = _add_fonts(current)  # type: ignore[method-assign]
