"""An upload's structure checked by the parsers that read such files (pypdf, Pillow), after the
byte-level checks of domain/documents.py: a PDF parses strictly and none of its objects (those in
compressed object streams included) asks for active content; an image decodes fully within a
pixel budget. CPU-bound: call :func:`structure_problem` in a worker thread."""

from __future__ import annotations

import io
import logging
import warnings
from typing import TYPE_CHECKING, Any

from services.portal.domain.documents import (
    FORBIDDEN_PDF_NAMES,
    IMAGE_BROKEN,
    PDF_BROKEN,
    active_pdf,
    layout_problem,
)

# The largest image decoded: 40 megapixels (8000 x 5000), some 120 MB of RGB while it is checked.
MAX_IMAGE_PIXELS = 40_000_000
# A PDF with more objects than this is not a scanned certificate or form.
MAX_PDF_OBJECTS = 200_000
PDF_ENCRYPTED = "the PDF is password-protected; save it without a password"
PDF_NO_PAGES = "the PDF has no pages"
# An action run on opening may only go to a page of the document itself.
_OPEN_ACTIONS = frozenset({"/GoTo"})
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
_FORBIDDEN = frozenset("/" + name for name in FORBIDDEN_PDF_NAMES)

# pypdf (with fontTools) and Pillow are imported where an upload is checked: at module level they
# held ~9 MiB of every portal process from start-up, uploads or not.
if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

# pypdf reports every oddity it tolerates as a warning; a refused upload says why on its own.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def structure_problem(data: bytes, content_type: str, *, max_image_pixels: int = MAX_IMAGE_PIXELS) -> str | None:
    """Why ``data`` is not a plain, whole file of ``content_type`` (a plain sentence for the
    applicant); None when it is."""
    problem = layout_problem(data, content_type)
    if problem is not None:
        return problem
    if content_type == "application/pdf":
        return _pdf_problem(data)
    return _image_problem(data, content_type, max_image_pixels)


def _pdf_problem(data: bytes) -> str | None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            return PDF_ENCRYPTED
        if len(reader.pages) == 0:
            return PDF_NO_PAGES
        found = _active_content(reader)
    except _TooComplex:
        return "the PDF has too many objects"
    except Exception:  # pypdf raises many kinds of errors on a broken file; all mean the same here
        return PDF_BROKEN
    return active_pdf(found) if found else None


class _TooComplex(Exception):
    pass


def _active_content(reader: PdfReader) -> set[str]:
    """The forbidden names and actions anywhere in the document: every object the trailer
    reaches and every object the cross-reference lists, reached or not."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    pending: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending += [IndirectObject(number, generation, reader) for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise _TooComplex
        if isinstance(item, DictionaryObject):
            found |= _forbidden_in(item)
            pending += list(item.values())
        elif isinstance(item, ArrayObject):
            pending += list(item)
        elif isinstance(item, NameObject) and item in _FORBIDDEN:
            found.add(item[1:])
    return found


def _forbidden_in(d: DictionaryObject) -> set[str]:
    from pypdf.generic import DictionaryObject, TextStringObject

    found = {key[1:] for key in d if key in _FORBIDDEN}
    open_action = d.get("/OpenAction")
    if open_action is not None:
        action = open_action.get_object()
        if isinstance(action, DictionaryObject) and action.get("/S") not in _OPEN_ACTIONS:
            found.add("OpenAction " + str(action.get("/S", "")).lstrip("/"))
    uri = d.get("/URI")
    if isinstance(uri, TextStringObject | str) and str(uri).strip().lower().startswith(("javascript:", "data:")):
        found.add("URI javascript")
    return found


def _image_problem(data: bytes, content_type: str, max_pixels: int) -> str | None:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[content_type]]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    return f"the image is too large ({width} x {height} pixels; at most {max_pixels} pixels)"
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"the image is too large (at most {max_pixels} pixels)"
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError... on a damaged image
        return IMAGE_BROKEN
    return None
