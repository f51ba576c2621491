"""The Ed25519 keys behind service tokens: reading them from PEM, their JWK form (RFC 8037), key ids
(RFC 7638 thumbprints) and the trust-list entries a callee is configured with.

Pure key handling, no settings and no HTTP, so that settings can validate keys when they load.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
    load_ssh_private_key,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator


def _lines(pem: str) -> bytes:
    """PEM text, also when an environment file carried its line breaks as ``\\n`` or ``\\r\\n``."""
    return pem.strip().replace("\\n", "\n").replace("\r\n", "\n").encode()


def load_private_key(pem: str, *, not_pem: str = "not an unencrypted PKCS#8 PEM private key",
                     not_ed25519: str = "not an Ed25519 private key") -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8 or OpenSSH); ValueError with ``not_pem`` or
    ``not_ed25519`` otherwise, never naming key material."""
    data = _lines(pem)
    try:
        key = (load_ssh_private_key(data, password=None) if b"OPENSSH PRIVATE KEY" in data
               else load_pem_private_key(data, password=None))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(not_pem) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(not_ed25519)
    return key


def load_public_key(pem: str, *, not_pem: str = "not a PEM public key",
                    not_ed25519: str = "not an Ed25519 public key") -> Ed25519PublicKey:
    try:
        key = load_pem_public_key(_lines(pem))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(not_pem) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(not_ed25519)
    return key


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_x(key: Ed25519PublicKey) -> str:
    """The JWK ``x`` member: the raw public key, base64url without padding."""
    return _b64url(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def thumbprint(key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256), the default key id."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": public_x(key)}, separators=(",", ":"),
                           sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


class Jwk(BaseModel):
    """One public key of a party (RFC 8037 OKP), as ``/.well-known/jwks.json`` publishes it."""

    kty: Literal["OKP"] = "OKP"
    crv: Literal["Ed25519"] = "Ed25519"
    x: str = Field(description="The public key, base64url")
    kid: str
    alg: Literal["EdDSA"] = "EdDSA"
    use: Literal["sig"] = "sig"
    iss: str = Field(description="The party whose service tokens this key signs")

    @classmethod
    def of(cls, key: Ed25519PublicKey, kid: str, iss: str) -> Jwk:
        return cls(x=public_x(key), kid=kid, iss=iss)


class Jwks(BaseModel):
    keys: list[Jwk]


class TrustedKeyEntry(BaseModel):
    """One entry of ``SKK_SERVICE_TRUSTED_KEYS``: the public key ``kid`` of the party ``iss``.
    Several entries may share an ``iss`` (rotation); each ``kid`` appears once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kid: str = Field(min_length=1, max_length=200)
    iss: str = Field(min_length=1, max_length=200)
    public_key_pem: str

    @field_validator("public_key_pem")
    @classmethod
    def _ed25519(cls, value: str) -> str:
        load_public_key(value)
        return value

    def public_key(self) -> Ed25519PublicKey:
        return load_public_key(self.public_key_pem)

    @classmethod
    def of(cls, key: Ed25519PublicKey, kid: str, iss: str) -> TrustedKeyEntry:
        return cls(kid=kid, iss=iss, public_key_pem=public_pem(key))


def new_private_key_pem() -> str:
    """A fresh Ed25519 private key, PKCS#8 PEM (``python -m scripts.keys service`` prints one)."""
    return private_pem(Ed25519PrivateKey.generate())
