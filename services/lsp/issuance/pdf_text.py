"""Text cells for the LSP's PDFs, drawn without fpdf2's line breaking where that is safe.

fpdf2's ``multi_cell`` breaks lines character by character, measuring the whole line again for
each one: most of a form's layout time. For a text that breaks only at single spaces, the lines
it makes are those of a greedy word wrap (a word goes on the line while the line stays within the
cell's width less its margins), and drawing each line as a ``cell`` gives the same page content
(tests/test_text_cell.py compares the content streams). Anything else, or anything close to the
edge, goes to ``multi_cell`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

# What fpdf2's line breaking treats specially (other breaking spaces, tabs, soft hyphens, no-break
# spaces), runs of spaces, spaces at a line's ends, empty or trailing lines.
_NOT_PLAIN = re.compile("[\r\t\f\u00a0\u00ad\u200b\u2000-\u200a\u205f\u3000]|  |^ | $| \n|\n |\n\n|\n$")
# Widths this close to the room are left to multi_cell's own arithmetic.
_EDGE = 0.01


def _measure(pdf: FPDF) -> Callable[[str], float]:
    """``pdf.get_string_width`` at the current font: for a plain TrueType font the sum of its
    character widths, the arithmetic fpdf2 does (``TTFFont.get_text_width``, ``Fragment.get_width``)
    without building styled fragments for every word."""
    from fpdf.fonts import TTFFont

    font = pdf.current_font
    if (not isinstance(font, TTFFont) or font.is_symbol or pdf.text_shaping or pdf.char_spacing
            or pdf.font_stretching != 100):
        return pdf.get_string_width
    cw, size, k = font.cw, pdf.font_size_pt, pdf.k
    return lambda s: sum(cw[ord(c)] for c in s) * size * 0.001 / k


def wrap(pdf: FPDF, w: float, text: str, align: str) -> list[str] | None:
    """The lines ``pdf.multi_cell(w, ...)`` would make of ``text`` (at the current font), or
    None when that is not certain."""
    room = (w or pdf.w - pdf.r_margin - pdf.x) - 2 * pdf.c_margin
    if text == "":
        return [""]  # one empty line
    if _NOT_PLAIN.search(text):
        return None
    lines: list[str] = []
    width = _measure(pdf)
    space = width(" ")
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        line, line_w = words[0], width(words[0])
        if line_w > room - _EDGE:
            return None  # a word wider than the cell: multi_cell breaks inside it
        for word in words[1:]:
            word_w = width(word)
            if word_w > room - _EDGE:
                return None
            candidate = line_w + space + word_w
            if abs(candidate - room) < _EDGE:
                return None
            if candidate < room:
                line, line_w = f"{line} {word}", candidate
            else:
                lines.append(line)
                line, line_w = word, word_w
        lines.append(line)
    if len(lines) > 1 and align == "J":
        return None  # justified lines get word spacing: multi_cell's
    return lines


def _fits(pdf: FPDF, lines: list[str], h: float, border: int) -> bool:
    if border:
        # multi_cell draws the frame around the lines it expects before the page's bottom margin
        # (whether or not pages break): a line to spare keeps its division clear of rounding.
        return pdf.y + (len(lines) + 1) * h <= pdf.page_break_trigger
    return not pdf.auto_page_break or pdf.y + len(lines) * h <= pdf.page_break_trigger


def text_cell(pdf: FPDF, w: float, h: float, text: str, *, align: str = "J", new_x: str, new_y: str,
              border: int = 0) -> None:
    """``pdf.multi_cell(w, h, text, align=align, new_x=new_x, new_y=new_y, border=border)``, drawn
    line by line as cells when :func:`wrap` knows the lines and they fit on the page; a border
    (0 or 1) is the one frame multi_cell draws around all the lines."""
    lines = wrap(pdf, w, text, align)
    if lines is None or not _fits(pdf, lines, h, border):
        pdf.multi_cell(w, h, text, align=align, new_x=new_x, new_y=new_y, border=border)  # type: ignore[arg-type]
        return
    w = w or pdf.w - pdf.r_margin - pdf.x
    top = pdf.y
    if border:
        from fpdf.table import draw_box_borders

        draw_box_borders(pdf, pdf.x, top, pdf.x + w, top + max(h, len(lines) * h), border)  # type: ignore[arg-type]
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        # multi_cell sets a justified text's last line flush left.
        pdf.cell(w, h, line, align="L" if align == "J" else align,
                 new_x=new_x if last else "LEFT", new_y=new_y if last else "NEXT")
    if new_y == "TOP":
        pdf.y = top
