"""Settings of the lpjk service (environment variables ``SKK_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from shared.settings import ServiceSettings

DEV_OPERATOR_TOKEN = "dev-lpjk-operator-token-change-me"


class LpjkSettings(ServiceSettings):
    # An empty QR signing key selects the published dev key (domain.qr.dev_signing_key), which
    # production mode refuses.
    secret_fields: ClassVar[tuple[str, ...]] = ("service_token_secret", "qr_signing_key_pem", "operator_token")

    service_name: str = "lpjk"
    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///var/lpjk.db"
    # Where the public reaches LPJK: the QR code opens {public_url}/api/v1/public/certificates/...
    public_url: str = "http://127.0.0.1:8004"
    # Ed25519 private key (PKCS#8 PEM) signing the QR payloads, and its key id (JWS ``kid``).
    qr_signing_key_pem: SecretStr = SecretStr("")
    qr_key_id: str = "lpjk-dev-1"
    # Retired keys still accepted for verification: key id -> Ed25519 public key PEM.
    qr_retired_public_keys: dict[str, str] = {}
    # LPJK operators revoke records with ``Authorization: Bearer <operator_token>``.
    operator_token: SecretStr = SecretStr(DEV_OPERATOR_TOKEN)
