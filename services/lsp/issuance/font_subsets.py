"""Embedded-font subsets made once per glyph set, not once per document.

fpdf2 subsets every embedded TrueType font when it writes a document (``OutputProducer._add_fonts``:
a fontTools ``Subsetter`` on the document's ``font.ttfont``, then ``ttfont.save``); that decompile
and recompile was about half the CPU of an e-certificate or an APL form. The result depends only
on the font file, the subsetting options and the glyphs the document used, so it is kept here,
keyed by exactly those, and replayed byte for byte: the PDF embeds the same font stream fpdf2
would have made.

A document opts in by giving its font a :class:`SubsetSource` as ``ttfont`` (``pdf._add_cached_font``);
fpdf2's output module is given :class:`CachingSubsetter` (:func:`install`), which treats any other
font exactly as fontTools does, so other fpdf2 documents in the process are not affected.
"""

from __future__ import annotations

import io
import threading
import types
from collections import OrderedDict
from dataclasses import dataclass
from typing import IO, Any

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont

# Bounded: a subset of the reduced font is some 10-30 kB; documents whose text stays in ASCII
# (the usual case, see pdf.ASCII_PADDING) all share one entry per font.
MAX_ENTRIES = 256


@dataclass(frozen=True)
class _Subset:
    data: bytes  # the saved subset font, as fpdf2 embeds it
    glyph_ids: dict[str, int]  # glyph name -> glyph id in the subset
    tags: frozenset[str]  # its tables


_CACHE: OrderedDict[tuple[object, ...], _Subset] = OrderedDict()
_LOCK = threading.Lock()
_stats = {"hits": 0, "misses": 0}


class SubsetSource:
    """What fpdf2 sees as a document font's ``ttfont``: the font file to subset (shared, never
    changed) and, once :class:`CachingSubsetter` ran, the subset fpdf2 asks about and saves."""

    def __init__(self, key: str, data: bytes, tags: frozenset[str]) -> None:
        self.key, self.data, self._tags = key, data, tags
        self._subset: _Subset | None = None

    def _done(self) -> _Subset:
        if self._subset is None:
            raise RuntimeError("the font was not subset")
        return self._subset

    def getGlyphID(self, glyph_name: str) -> int:  # fontTools' name for it
        return self._done().glyph_ids[glyph_name]

    def save(self, file: IO[bytes]) -> None:
        file.write(self._done().data)

    def __contains__(self, tag: str) -> bool:
        return tag in (self._subset.tags if self._subset is not None else self._tags)

    def close(self) -> None:
        pass  # holds no file


def _options_key(options: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, repr(v)) for k, v in vars(options).items()))


class CachingSubsetter(ftsubset.Subsetter):  # type: ignore[misc]
    """fontTools' subsetter; for a :class:`SubsetSource` it subsets once per glyph set."""

    def subset(self, font: Any) -> None:
        if not isinstance(font, SubsetSource):
            super().subset(font)
            return
        key = (font.key, _options_key(self.options), frozenset(self.glyph_names_requested),
               frozenset(self.glyph_ids_requested), frozenset(self.unicodes_requested))
        with _LOCK:
            found = _CACHE.get(key)
            if found is not None:
                _CACHE.move_to_end(key)
                _stats["hits"] += 1
        if found is None:  # outside the lock: two threads may both make it, with the same result
            real = TTFont(io.BytesIO(font.data), recalcTimestamp=False, lazy=True)
            super().subset(real)
            out = io.BytesIO()
            real.save(out)
            found = _Subset(out.getvalue(), {name: real.getGlyphID(name) for name in real.getGlyphOrder()},
                            frozenset(real.keys()))
            with _LOCK:
                _stats["misses"] += 1
                _CACHE[key] = found
                while len(_CACHE) > MAX_ENTRIES:
                    _CACHE.popitem(last=False)
        font._subset = found


def stats() -> dict[str, int]:
    with _LOCK:
        return {**_stats, "entries": len(_CACHE)}


_installed = False


def install() -> None:
    """Give fpdf2's output module the caching subsetter (idempotent)."""
    global _installed
    if _installed:
        return
    with _LOCK:
        if not _installed:
            from fpdf import output

            shim = types.ModuleType("fontTools.subset.cached")
            shim.__dict__.update(vars(ftsubset))
            shim.Subsetter = CachingSubsetter  # type: ignore[attr-defined]
            output.ftsubset = shim  # type: ignore[attr-defined]
            _installed = True
