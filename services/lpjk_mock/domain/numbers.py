"""LPJK recording numbers: ``LPJK-{yyyy}-{XXXX}-{XXXX}-{XXXC}``, e.g. ``LPJK-2026-7KD3-M9QX-2HZ4``.

``yyyy`` is the year of recording in WIB; the eleven ``X`` are random (55 bits, Crockford base32:
no I, L, O or U, so a number read aloud or typed from a certificate survives), and ``C`` is a
check symbol (Luhn mod 32 over the year and the random part) that catches any single mistyped
symbol and most swaps of neighbours.

The number is random rather than a register sequence because the public verification answers by
number alone (a number typed from a certificate must work, SPEC section 8): with a sequence,
anyone could walk the register from 1 upwards and harvest every holder's masked name, jabatan
kerja and LSP. Nothing in the domain needs the order of recording in the number; the record's
``recorded_at`` keeps it.

Records made before this format carry ``LPJK-{yyyy}-{seq:08d}``; they stay verifiable by their
exact number.
"""

from __future__ import annotations

import re

# Crockford's base32 alphabet; decoding maps the look-alikes (O -> 0, I and L -> 1).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_SYMBOLS = 11
ENTROPY_BYTES = 7  # 56 bits drawn, 55 used

_NEW = re.compile(r"LPJK-?(\d{4})-?([0-9A-Z]{4})-?([0-9A-Z]{4})-?([0-9A-Z]{4})")
_LEGACY = re.compile(r"LPJK-\d{4}-\d{8}")


def _check_symbol(payload: str) -> str:
    """The Luhn mod 32 check symbol of ``payload`` (symbols of :data:`ALPHABET`)."""
    n, total, factor = len(ALPHABET), 0, 2
    for ch in reversed(payload):
        addend = factor * _VALUE[ch]
        total += addend // n + addend % n
        factor = 3 - factor
    return ALPHABET[(n - total % n) % n]


def recording_number(year: int, entropy: bytes) -> str:
    """A new recording number for ``year`` from at least :data:`ENTROPY_BYTES` random bytes
    (the caller draws them: ``secrets.token_bytes``)."""
    if len(entropy) < ENTROPY_BYTES:
        raise ValueError(f"a recording number needs {ENTROPY_BYTES} random bytes")
    value = int.from_bytes(entropy[:ENTROPY_BYTES], "big")
    symbols = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(RANDOM_SYMBOLS))
    body = symbols + _check_symbol(f"{year:04d}{symbols}")
    return f"LPJK-{year:04d}-{body[:4]}-{body[4:8]}-{body[8:]}"


def canonical(text: str) -> str | None:
    """The recording number ``text`` names, written the standard way (upper case, hyphens,
    look-alike letters read as digits), or None if it cannot be one: wrong shape or a check
    symbol that does not match (a typing mistake, or a guess)."""
    compact = "".join(text.split()).upper()
    if _LEGACY.fullmatch(compact):
        return compact
    if not compact.startswith("LPJK"):
        return None
    m = _NEW.fullmatch("LPJK" + compact[4:].translate(_LOOKALIKES))
    if m is None:
        return None
    year, symbols = m.group(1), "".join(m.group(2, 3, 4))
    if any(ch not in _VALUE for ch in symbols) or _check_symbol(year + symbols[:-1]) != symbols[-1]:
        return None
    return f"LPJK-{year}-{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"
