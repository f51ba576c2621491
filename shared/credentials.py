"""The verifiable forms of a certificate, as LPJK publishes them and anyone checks them offline
(LPJK's public API and the ``skk verify`` command line share this module).

- **Credentials** are W3C Verifiable Credentials 2.0 secured with JOSE (VC-JOSE-COSE): a compact
  JWS whose payload is the credential itself, header ``alg`` = ``EdDSA`` (Ed25519), ``kid`` (a key
  in the trust list), ``typ`` = ``vc+jwt``, ``cty`` = ``vc``.
- **Status lists** are W3C Bitstring Status List credentials (one per purpose: ``revocation``,
  ``suspension``) of :data:`STATUS_LIST_SIZE` entries: bit ``i`` set means the certificate with
  ``status_list_index`` ``i`` is revoked (or suspended). ``encodedList`` is the multibase
  base64url (``u`` prefix, no padding) of the GZIP of the bitstring, index 0 the leftmost bit.
- **The trust list** names every key a verifier may accept, by ``kid``: LPJK's Ed25519 keys
  (QR payloads, credentials, status lists) and each LSP's PDF-signing certificate, with their
  validity and status. A retired key still verifies what it signed while it was active.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, Field

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
STATUS_LIST_SIZE = 131_072  # the W3C minimum for herd privacy (16 KiB of bits)
PURPOSES = ("revocation", "suspension")
ALGORITHM = "EdDSA"
JWT_TYPE = "vc+jwt"
MEDIA_TYPE = "application/vc+jwt"

Purpose = Literal["revocation", "suspension"]


class CredentialError(ValueError):
    """A credential or status list that does not verify; the message says why, in plain words."""


# -- bitstrings -------------------------------------------------------------------------------

def encode_bits(set_indexes: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """The ``encodedList`` of a bitstring of ``size`` bits with ``set_indexes`` set."""
    bits = bytearray(size // 8)
    for i in set_indexes:
        if not 0 <= i < size:
            raise ValueError(f"status list index {i} outside 0..{size - 1}")
        bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (multibase base64url, GZIP)."""
    if not encoded.startswith("u"):
        raise CredentialError("encodedList is not multibase base64url (it must start with 'u')")
    data = encoded[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (ValueError, OSError) as exc:
        raise CredentialError("encodedList is not GZIP-compressed base64url") from exc


def bit_at(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise CredentialError(f"status list index {index} is outside the list ({len(bits) * 8} entries)")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# -- JOSE-secured credentials -------------------------------------------------------------------

def sign_credential(credential: Mapping[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The credential as a compact JWS (``application/vc+jwt``)."""
    return jwt.encode(dict(credential), key, algorithm=ALGORITHM,
                      headers={"kid": kid, "typ": JWT_TYPE, "cty": "vc"})


def verify_credential(token: str, keys: Mapping[str, Ed25519PublicKey]) -> tuple[str, dict[str, Any]]:
    """(kid, credential) of a genuine ``vc+jwt``; :class:`CredentialError` naming what is wrong."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise CredentialError("not a compact JWS") from exc
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM:
        raise CredentialError(f"unexpected algorithm {header.get('alg')!r} (expected EdDSA)")
    if header.get("typ") != JWT_TYPE:
        raise CredentialError(f"unexpected type {header.get('typ')!r} (expected {JWT_TYPE})")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise CredentialError(f"unknown key id {kid!r} (not in the trust list)")
    try:
        # A credential's time limits are validFrom/validUntil, judged by the caller (expired is a
        # status, not a forgery), so the JWT's own exp/nbf checks are not used.
        payload = jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_exp": False, "verify_nbf": False})
    except jwt.InvalidSignatureError as exc:
        raise CredentialError("bad signature: the credential was changed or not signed by this key") from exc
    except jwt.PyJWTError as exc:
        raise CredentialError(f"invalid credential: {exc}") from exc
    if VC_CONTEXT not in (payload.get("@context") or []):
        raise CredentialError("not a Verifiable Credential 2.0 (missing its @context)")
    return str(kid), payload


# -- the trust list ---------------------------------------------------------------------------

KeyPurpose = Literal["qr", "credential", "status_list", "pdf"]


class TrustedKey(BaseModel):
    kid: str
    owner: str  # "LPJK" or an LSP code
    purposes: list[KeyPurpose]
    status: Literal["active", "retired", "revoked"]
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # retired: signed nothing after this
    # Ed25519 keys: a public JWK's fields; PDF-signing keys: the X.509 certificate (PEM).
    kty: str | None = None
    crv: str | None = None
    x: str | None = None
    certificate_pem: str | None = None


class TrustList(BaseModel):
    issuer: str = "LPJK"
    issued_at: datetime
    keys: list[TrustedKey] = Field(default_factory=list)

    def ed25519_keys(self, purpose: KeyPurpose) -> dict[str, Ed25519PublicKey]:
        """The usable (not revoked) Ed25519 keys for ``purpose``, by kid."""
        out: dict[str, Ed25519PublicKey] = {}
        for k in self.keys:
            if purpose in k.purposes and k.status != "revoked" and k.kty == "OKP" and k.x:
                raw = base64.urlsafe_b64decode(k.x + "=" * (-len(k.x) % 4))
                out[k.kid] = Ed25519PublicKey.from_public_bytes(raw)
        return out

    def certificates(self, purpose: KeyPurpose = "pdf") -> dict[str, str]:
        """The usable X.509 certificates (PEM) for ``purpose``, by kid."""
        return {k.kid: k.certificate_pem for k in self.keys
                if purpose in k.purposes and k.status != "revoked" and k.certificate_pem}

