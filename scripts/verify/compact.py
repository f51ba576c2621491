"""LPJK's compact QR payload, read from its published description (docs/VERIFYING.md, "QR code
size") rather than from LPJK's code, so that ``skk verify`` checks the format, not itself:

- the QR code holds ``{PUBLIC_URL}/V/{text}``; ``text`` is RFC 9285's base45 scheme (two bytes ->
  three characters, least significant first; a last byte -> two) in radix 42 over the alphabet
  ``0-9 A-Z $ * + - . :`` (base45's less space, ``%`` and ``/``, which a URL cannot carry as is);
- the bytes are a COSE_Sign1 (RFC 9052; CBOR tag 18, optional): ``[protected, unprotected,
  payload, signature]``, protected ``{1: -8 (EdDSA), 4: kid}``, the Ed25519 signature over
  ``["Signature1", protected, h'', payload]``;
- the payload is a claims map: ``1`` iss, ``-1`` rn (16 symbols: ``LPJK-yyyy-XXXX-XXXX-XXXX``
  without ``LPJK-`` and hyphens; an older number as written), ``-2`` skk, ``-3`` nm, ``-4`` jk
  (absent: the SKK number's part before its first dot), ``-5``/``-6`` vf/vu (days since
  1970-01-01), ``-7`` si.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-.:"
EDDSA = -8


class NotCompact(ValueError):
    """Not LPJK's compact payload: its text, CBOR or COSE structure is broken."""


@dataclass(frozen=True)
class Sign1:
    kid: str
    alg: object
    to_be_signed: bytes
    payload: bytes
    signature: bytes

    def verifies_with(self, key: Ed25519PublicKey) -> bool:
        try:
            key.verify(self.signature, self.to_be_signed)
        except InvalidSignature:
            return False
        return True


def payload_of_url(url: str) -> str | None:
    """The text of a ``…/V/{text}`` URL (any case), or None for another URL."""
    path = urlsplit(url).path
    head, sep, text = path.rpartition("/")
    return unquote(text) if sep and head.upper().endswith("/V") and text else None


def is_compact(text: str) -> bool:
    """The compact form's characters (a JWS has lower case letters and starts ``eyJ``)."""
    return bool(text) and not text.startswith("eyJ") and all(ch in ALPHABET for ch in text.upper())


def _bytes(text: str) -> bytes:
    value = {ch: i for i, ch in enumerate(ALPHABET)}
    text = text.upper()
    if len(text) % 3 == 1 or any(ch not in value for ch in text):
        raise NotCompact("not the QR code's text")
    out = bytearray()
    for i in range(0, len(text), 3):
        group = text[i:i + 3]
        n = sum(value[ch] * 42 ** k for k, ch in enumerate(group))
        if n >= 256 ** (len(group) - 1):
            raise NotCompact("not the QR code's text")
        out += n.to_bytes(len(group) - 1, "big")
    return bytes(out)


def _cbor(data: bytes, what: str) -> Any:
    try:
        return cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several kinds on hostile input
        raise NotCompact(f"{what} is not CBOR") from exc


def open_sign1(text: str) -> Sign1:
    message = _cbor(_bytes(text), "the payload")
    if isinstance(message, cbor2.CBORTag) and message.tag == 18:
        message = message.value
    if not isinstance(message, list | tuple) or len(message) != 4:
        raise NotCompact("not a COSE_Sign1")
    protected, unprotected, payload, signature = message
    if not (isinstance(protected, bytes) and isinstance(unprotected, Mapping) and isinstance(payload, bytes)
            and isinstance(signature, bytes)):
        raise NotCompact("not a COSE_Sign1")
    header = _cbor(protected, "the protected header") if protected else {}
    if not isinstance(header, Mapping):
        raise NotCompact("the protected header is not a map")
    kid = header.get(4, unprotected.get(4))
    if not isinstance(kid, bytes):
        raise NotCompact("no key id")
    try:
        kid_text = kid.decode()
    except UnicodeDecodeError as exc:
        raise NotCompact("the key id is not text") from exc
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    return Sign1(kid_text, header.get(1), to_be_signed, payload, signature)


def claims(sign1: Sign1) -> dict[str, Any]:
    """The signed claims with the JWS's names (``vf``/``vu`` as ISO dates); call after the signature."""
    found = _cbor(sign1.payload, "the claims")
    if not isinstance(found, Mapping):
        raise NotCompact("the claims are not a map")
    out: dict[str, Any] = {}
    for key, name in ((1, "iss"), (-1, "rn"), (-2, "skk"), (-3, "nm"), (-4, "jk")):
        if isinstance(found.get(key), str):
            out[name] = found[key]
    rn = out.get("rn", "")
    if len(rn) == 16 and "-" not in rn:
        out["rn"] = f"LPJK-{rn[:4]}-{rn[4:8]}-{rn[8:12]}-{rn[12:]}"
    if "jk" not in out and "skk" in out:
        out["jk"] = out["skk"].split(".", 1)[0]
    for key, name in ((-5, "vf"), (-6, "vu")):
        days = found.get(key)
        if type(days) is int and 0 <= days <= 100_000:
            out[name] = (date(1970, 1, 1) + timedelta(days=days)).isoformat()
    if type(found.get(-7)) is int:
        out["si"] = found[-7]
    return out
