"""LPJK's QR signing key and the public keys it verifies with, from settings."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.lpjk_mock.domain import qr
from services.lpjk_mock.settings import LpjkSettings


@dataclass(frozen=True)
class QrKeyring:
    key_id: str
    signing_key: Ed25519PrivateKey
    public_keys: dict[str, Ed25519PublicKey]


def keyring_from(settings: LpjkSettings) -> QrKeyring:
    pem = settings.qr_signing_key_pem.get_secret_value()
    signing = qr.load_private_key(pem) if pem.strip() else qr.dev_signing_key()
    public = {kid: qr.load_public_key(p) for kid, p in settings.qr_retired_public_keys.items()}
    public[settings.qr_key_id] = signing.public_key()
    return QrKeyring(settings.qr_key_id, signing, public)
