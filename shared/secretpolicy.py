"""What production mode asks of a secret: at least 32 bytes, some variety, no short pattern
repeated, and not derivable from this repository's dev defaults. Each check answers why a
value is refused in words that never contain the value."""

from __future__ import annotations

import base64
import binascii

MIN_SECRET_BYTES = 32
MIN_DISTINCT_CHARACTERS = 8
WEBHOOK_SECRET_PREFIX = "whsec_"


def _smallest_period(data: bytes) -> int:
    """The length of the shortest prefix that, repeated, makes ``data`` (KMP failure function):
    6 for ``abcdefabcdefab``, ``len(data)`` for a string with no repetition."""
    fail = [0] * len(data)
    k = 0
    for i in range(1, len(data)):
        while k and data[i] != data[k]:
            k = fail[k - 1]
        if data[i] == data[k]:
            k += 1
        fail[i] = k
    return len(data) - (fail[-1] if data else 0)


def _key_bytes(value: str) -> bytes | None:
    """The bytes that key the secret: a Standard Webhooks secret (``whsec_`` + base64) is its
    decoded key; anything else is its UTF-8 text. None: a ``whsec_`` secret that is not base64."""
    if not value.startswith(WEBHOOK_SECRET_PREFIX):
        return value.encode()
    try:
        return base64.b64decode(value[len(WEBHOOK_SECRET_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return None


def weakness(value: str) -> str | None:
    """Why ``value`` is too weak for a production secret; None when it is strong enough."""
    if not value.strip():
        return "unset"
    key = _key_bytes(value)
    if key is None:
        return "not a valid whsec_ secret (base64 after the prefix)"
    if len(key) < MIN_SECRET_BYTES:
        return f"shorter than {MIN_SECRET_BYTES} bytes"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    if _smallest_period(key) <= len(key) // 2:
        return "a short pattern repeated"
    return None
