"""What an uploaded file is, judged by its bytes alone (never by its name or the client's
declared content type)."""

from __future__ import annotations

import hashlib

import puremagic

ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png")
# The signature each allowed type must start with: puremagic also matches signatures at other
# offsets, and a polyglot with a PDF marker deep inside is not a PDF we want.
_LEADING = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff_content_type(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png``; None for anything else."""
    if not data:
        return None
    try:
        guessed = puremagic.from_string(data[:8192], mime=True)
    except (puremagic.PureError, ValueError):
        return None
    if guessed not in _LEADING:
        return None
    return guessed if data.startswith(_LEADING[guessed]) else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
