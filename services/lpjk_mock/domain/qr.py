"""LPJK's signed QR payload, verifiable offline by anyone holding LPJK's public key for its ``kid``.
Two forms, both verified here: the compact one LPJK signs now (a COSE_Sign1 in a short URL,
domain/qr_compact.py: QR version 10 or less) and the JWS (EdDSA over Ed25519, header ``kid``) of
certificates issued before it, carried as ``?qr=`` of the verification URL.

Claims: ``iss`` = ``"LPJK"``, ``rn`` recording number, ``skk`` SKK number, ``nm`` the holder's
masked name, ``jk`` jabatan kerja code, ``vf``/``vu`` valid from/until (ISO dates), ``si`` the
certificate's status-list index (issue 16; absent in payloads signed before), so that an offline
verifier can look the certificate up in LPJK's status lists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.lpjk_mock.domain import qr_compact
from shared import servicekeys
from shared.servicekeys import public_pem, public_x

ALGORITHM = "EdDSA"
ISSUER = "LPJK"
_DEV_SEED = b"skk-dev-only:lpjk-qr-signing-key"


def dev_signing_key() -> Ed25519PrivateKey:
    """The dev key: derived from a published constant, so production refuses it."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(_DEV_SEED).digest())


def is_dev_key(key: Ed25519PublicKey) -> bool:
    """Whether ``key`` is the dev key's public half, however it was written down (PKCS#8 or
    OpenSSH, any line breaks): the keys are compared, not their text."""
    return public_x(key) == public_x(dev_signing_key().public_key())


def load_private_key(pem: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM: PKCS#8 (``BEGIN PRIVATE KEY``) or OpenSSH."""
    return servicekeys.load_private_key(
        pem, not_pem="the QR signing key is not an unencrypted PEM private key",
        not_ed25519="the QR signing key must be an Ed25519 private key")


def load_public_key(pem: str) -> Ed25519PublicKey:
    return servicekeys.load_public_key(
        pem, not_pem="a QR verification key is not a PEM public key",
        not_ed25519="a QR verification key must be an Ed25519 public key")


def public_jwk(kid: str, key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP", "crv": "Ed25519", "alg": ALGORITHM, "use": "sig", "kid": kid,
        "x": public_x(key), "public_key_pem": public_pem(key),
    }


def claims(*, recording_number: str, skk_number: str, holder_name_masked: str, jabatan_kerja_code: str,
           valid_from: date, valid_until: date, status_list_index: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "iss": ISSUER, "rn": recording_number, "skk": skk_number, "nm": holder_name_masked,
        "jk": jabatan_kerja_code, "vf": valid_from.isoformat(), "vu": valid_until.isoformat(),
    }
    if status_list_index is not None:
        out["si"] = status_list_index  # a JSON number: shorter than a string, and the QR is dense already
    return out


def sign_compact(payload: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The form LPJK signs now (issue 16): domain/qr_compact.py."""
    return qr_compact.sign(payload, key, kid)


def sign(payload: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """The JWS of certificates issued before the compact form (kept to verify them, and in tests)."""
    # Without the header's ``typ: JWT`` (16 characters of the QR code, which says nothing a
    # verifier uses): it pays for the ``si`` claim, so the code stays version 16-M.
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": kid, "typ": None})


def is_jws(token: str) -> bool:
    """A JWS (its header starts ``{"``, ``eyJ`` in base64url) rather than the compact form."""
    return token.startswith("eyJ") or not qr_compact.looks_compact(token)


def extract_token(qr_payload: str) -> str:
    """The payload itself, bare or from the URL carrying it: ``…/V/{compact}`` or ``…?qr={JWS}``."""
    text = qr_payload.strip()
    if "://" in text:
        compact = qr_compact.text_of_url(text)
        if compact is not None:
            return unquote(compact)
        values = parse_qs(urlsplit(text).query).get("qr")
        return values[0] if values else ""
    return text


_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.InvalidIssuerError, "not issued by LPJK"),
    (jwt.MissingRequiredClaimError, "not issued by LPJK"),
    (jwt.ExpiredSignatureError, "the QR payload has expired"),
    (jwt.ImmatureSignatureError, "the QR payload is not valid yet"),
    (jwt.DecodeError, "malformed QR payload"),
)


def _reason(exc: jwt.PyJWTError) -> str:
    return next((text for kind, text in _REASONS if isinstance(exc, kind)), "invalid QR payload")


@dataclass(frozen=True)
class QrCheck:
    valid: bool
    reason: str | None = None
    key_id: str | None = None
    claims: dict[str, Any] | None = None


def verify(qr_payload: str, public_keys: dict[str, Ed25519PublicKey]) -> QrCheck:
    """Check the signature offline. Never raises: a bad payload is an answer, not an error."""
    token = extract_token(qr_payload)
    if not token:
        return QrCheck(False, "no QR payload (expected the QR code's URL or the payload it carries)")
    return _verify_jws(token, public_keys) if is_jws(token) else _verify_compact(token, public_keys)


def _verify_compact(text: str, public_keys: dict[str, Ed25519PublicKey]) -> QrCheck:
    try:
        kid, alg, protected, payload, signature = qr_compact.open_sign1(text)
    except qr_compact.Malformed:
        return QrCheck(False, "malformed QR payload")
    if alg != qr_compact.EDDSA:
        return QrCheck(False, f"unexpected algorithm {alg!r}", key_id=kid)
    key = public_keys.get(kid)
    if key is None:
        return QrCheck(False, f"unknown key id {kid!r}", key_id=kid)
    try:
        found = qr_compact.verified_claims(protected, payload, signature, key)
    except qr_compact.BadSignature:
        return QrCheck(False, "bad signature", key_id=kid)
    except qr_compact.Malformed:
        return QrCheck(False, "malformed QR payload", key_id=kid)
    return _with_claims(found, kid)


def _with_claims(found: dict[str, Any], kid: str) -> QrCheck:
    if found.get("iss") != ISSUER:
        return QrCheck(False, "not issued by LPJK", key_id=kid)
    missing = [c for c in ("rn", "skk", "nm", "jk", "vf", "vu") if c not in found]
    if missing:
        return QrCheck(False, f"QR payload lacks claims {', '.join(missing)}", key_id=kid)
    return QrCheck(True, key_id=kid, claims=found)


def _verify_jws(token: str, public_keys: dict[str, Ed25519PublicKey]) -> QrCheck:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return QrCheck(False, "malformed QR payload")
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM:
        return QrCheck(False, f"unexpected algorithm {header.get('alg')!r}", key_id=kid)
    key = public_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        return QrCheck(False, f"unknown key id {kid!r}", key_id=kid if isinstance(kid, str) else None)
    try:
        decoded = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                             options={"require": ["iss"]})
    except jwt.InvalidSignatureError:
        return QrCheck(False, "bad signature", key_id=kid)
    except jwt.PyJWTError as exc:
        # The reader is told what is wrong with the payload, not the JWT library's wording.
        return QrCheck(False, _reason(exc), key_id=kid)
    return _with_claims(decoded, str(kid))
