"""LPJK's compact QR payload (issue 16): a COSE_Sign1 (RFC 9052, EdDSA over Ed25519) whose payload
is a CBOR Web Token-like claims map with small integer keys, written in a URL-safe variant of
base45, so that the QR code holding ``{PUBLIC_URL}/V/{payload}`` stays in alphanumeric mode and
at QR version 10 or less: a phone camera reads it from a printed page. The JWS (domain/qr.py)
made version 16-17.

The structure, so that any COSE library verifies it:

- ``COSE_Sign1`` = CBOR tag 18 over ``[protected, unprotected, payload, signature]``; the
  protected header ``{1: -8, 4: kid}`` (alg EdDSA, kid as UTF-8 bytes) is signed, the
  unprotected one is empty; the signature is Ed25519 over the canonical CBOR
  ``["Signature1", protected, h'', payload]`` (RFC 9052 section 4.4, no external data).
- The claims map: ``1`` iss (``"LPJK"``, the CWT claim), ``-1`` rn (the recording number's 16
  symbols, ``LPJK-`` and hyphens left out; a number of the old format is written out),
  ``-2`` skk, ``-3`` nm (masked name), ``-4`` jk (left out when it is the SKK number's first
  part, as BNSP numbers it), ``-5``/``-6`` vf/vu (days since 1970-01-01), ``-7`` si (the
  status-list index). Negative keys: the small positive ones are registered CWT claims.
- Text: RFC 9285's scheme (two bytes -> three characters, a last byte -> two) with radix 42 and
  the alphabet :data:`ALPHABET`: base45's characters less space, ``%`` and ``/``. Base45 itself
  is not URL-safe: a URL must percent-encode those three (RFC 9285 section 6), about one
  character in twelve, which cost a QR version; a ``/`` also risks ``/./`` being removed by a
  browser. Upper case only, so a reader that lowercases the text loses nothing.

Decoding gives the claims in the JWS's form (string keys, ISO dates), so callers need one shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$*+-.:"
RADIX = len(ALPHABET)  # 42: 42**3 > 65535, so two bytes still fit three characters
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
URL_PATH = "/V/"  # the QR code's target at LPJK: {PUBLIC_URL}/V/{payload}

COSE_SIGN1_TAG = 18
ALG, KID = 1, 4  # COSE header labels
EDDSA = -8  # COSE algorithm
ISS, RN, SKK, NM, JK, VF, VU, SI = 1, -1, -2, -3, -4, -5, -6, -7
EPOCH = date(1970, 1, 1)


class Malformed(ValueError):
    """Not a compact payload (text, CBOR or structure)."""


class BadSignature(ValueError):
    """Well formed, but the signature does not verify with the key of its kid."""


# -- text ------------------------------------------------------------------------------------


def encode_text(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data), 2):
        pair = data[i:i + 2]
        n, width = (pair[0] << 8 | pair[1], 3) if len(pair) == 2 else (pair[0], 2)
        for _ in range(width):
            n, digit = divmod(n, RADIX)
            out.append(ALPHABET[digit])
    return "".join(out)


def decode_text(text: str) -> bytes:
    text = text.strip().upper()
    if len(text) % 3 == 1 or any(ch not in _VALUE for ch in text):
        raise Malformed("not the QR code's text")
    out = bytearray()
    for i in range(0, len(text), 3):
        group = text[i:i + 3]
        n = sum(_VALUE[ch] * RADIX ** k for k, ch in enumerate(group))
        if n > (0xFFFF if len(group) == 3 else 0xFF):
            raise Malformed("not the QR code's text")
        out.extend(n.to_bytes(len(group) - 1, "big"))
    return bytes(out)


def looks_compact(text: str) -> bool:
    """Whether ``text`` is written in :data:`ALPHABET` (upper or lower case): a JWS is not."""
    return bool(text) and all(ch in _VALUE for ch in text.strip().upper())


# -- claims ----------------------------------------------------------------------------------


def _days(value: str) -> int:
    return (date.fromisoformat(value) - EPOCH).days


def _short_number(rn: str) -> str:
    parts = rn.split("-")  # LPJK-yyyy-XXXX-XXXX-XXXX
    return "".join(parts[1:]) if len(parts) == 5 and parts[0] == "LPJK" else rn


def _long_number(text: str) -> str:
    if len(text) == 16 and "-" not in text:
        return f"LPJK-{text[:4]}-{text[4:8]}-{text[8:12]}-{text[12:]}"
    return text


def to_map(claims: dict[str, Any]) -> dict[int, Any]:
    """The claims of domain/qr.py ``claims`` as the compact map."""
    out: dict[int, Any] = {ISS: claims["iss"], RN: _short_number(claims["rn"]), SKK: claims["skk"],
                           NM: claims["nm"], VF: _days(claims["vf"]), VU: _days(claims["vu"])}
    if str(claims["skk"]).split(".", 1)[0] != claims["jk"]:
        out[JK] = claims["jk"]
    if claims.get("si") is not None:
        out[SI] = claims["si"]
    return out


def from_map(m: Mapping[Any, Any]) -> dict[str, Any]:
    """The compact map as the JWS's claims; only the claims present (the caller names the missing)."""
    out: dict[str, Any] = {}
    text = {ISS: "iss", RN: "rn", SKK: "skk", NM: "nm", JK: "jk"}
    for key, name in text.items():
        if key in m:
            if not isinstance(m[key], str):
                raise Malformed(f"claim {name} is not text")
            out[name] = m[key]
    if "rn" in out:
        out["rn"] = _long_number(out["rn"])
    if "jk" not in out and "skk" in out:
        out["jk"] = out["skk"].split(".", 1)[0]
    for key, name in ((VF, "vf"), (VU, "vu")):
        if key in m:
            if type(m[key]) is not int or not 0 <= m[key] <= 100_000:
                raise Malformed(f"claim {name} is not a day number")
            out[name] = (EPOCH + timedelta(days=m[key])).isoformat()
    if SI in m:
        if type(m[SI]) is not int or m[SI] < 0:
            raise Malformed("claim si is not a whole number")
        out["si"] = m[SI]
    return out


# -- COSE_Sign1 ------------------------------------------------------------------------------


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload], canonical=True)


def sign(claims: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The compact payload's text for ``claims`` (domain/qr.py ``claims``)."""
    protected = cbor2.dumps({ALG: EDDSA, KID: kid.encode()}, canonical=True)
    payload = cbor2.dumps(to_map(claims), canonical=True)
    signature = key.sign(_to_be_signed(protected, payload))
    message = cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])
    return encode_text(cbor2.dumps(message, canonical=True))


def open_sign1(text: str) -> tuple[str, int | None, bytes, bytes, bytes]:
    """(kid, alg, protected, payload, signature) of the payload's COSE_Sign1, not yet verified."""
    try:
        message = cbor2.loads(decode_text(text))
    except Malformed:
        raise
    except Exception as exc:  # cbor2 raises several kinds on hostile input (depth, tags, types)
        raise Malformed("not CBOR") from exc
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise Malformed("not a COSE_Sign1")
        message = message.value
    if not (isinstance(message, list | tuple) and len(message) == 4):  # cbor2 6 gives tuples
        raise Malformed("not a COSE_Sign1")
    protected, unprotected, payload, signature = message
    if not (isinstance(protected, bytes) and isinstance(unprotected, Mapping) and isinstance(payload, bytes)
            and isinstance(signature, bytes)):
        raise Malformed("not a COSE_Sign1")
    try:
        header = cbor2.loads(protected) if protected else {}
    except Exception as exc:
        raise Malformed("protected header is not CBOR") from exc
    if not isinstance(header, Mapping):
        raise Malformed("protected header is not a map")
    kid = header.get(KID, unprotected.get(KID))
    if not isinstance(kid, bytes):
        raise Malformed("no kid")
    try:
        kid_text = kid.decode()
    except UnicodeDecodeError as exc:
        raise Malformed("kid is not UTF-8") from exc
    alg = header.get(ALG)
    return kid_text, alg if isinstance(alg, int) else None, protected, payload, signature


def verified_claims(protected: bytes, payload: bytes, signature: bytes, key: Ed25519PublicKey) -> dict[str, Any]:
    """The claims, once the signature verifies (:class:`BadSignature` if not)."""
    try:
        key.verify(signature, _to_be_signed(protected, payload))
    except InvalidSignature as exc:
        raise BadSignature("bad signature") from exc
    try:
        claims = cbor2.loads(payload)
    except Exception as exc:
        raise Malformed("claims are not CBOR") from exc
    if not isinstance(claims, Mapping):
        raise Malformed("claims are not a map")
    return from_map(claims)


def unverified_claims(text: str) -> dict[str, Any]:
    """The claims as written, signature NOT checked: only to route a reader to the page that checks
    them (:class:`Malformed` if unreadable)."""
    _, _, _, payload, _ = open_sign1(text)
    try:
        claims = cbor2.loads(payload)
    except Exception as exc:
        raise Malformed("claims are not CBOR") from exc
    if not isinstance(claims, Mapping):
        raise Malformed("claims are not a map")
    return from_map(claims)


def url(public_url: str, text: str) -> str:
    """What the QR code encodes: ``{PUBLIC_URL}/V/{payload}`` with scheme and host in upper case
    (both are case-insensitive), so every character is in the QR alphanumeric set. A path in
    ``public_url`` is kept as written: lower case in it makes the code byte mode, larger."""
    scheme, sep, rest = public_url.rstrip("/").partition("://")
    if not sep:
        return f"{public_url.rstrip('/')}{URL_PATH}{text}"
    host, slash, path = rest.partition("/")
    return f"{scheme.upper()}://{host.upper()}{slash}{path}{URL_PATH}{text}"


def text_of_url(value: str) -> str | None:
    """The payload of a ``…/V/{payload}`` URL (any case), or None for another URL."""
    path = value.split("?", 1)[0].split("#", 1)[0]
    at = path.upper().rfind(URL_PATH)
    return path[at + len(URL_PATH):] if at >= 0 and "://" in path[:at + 1] else None
