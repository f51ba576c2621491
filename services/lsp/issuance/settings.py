"""Settings of the issuance steps, read from the same ``SKK_`` environment as the LSP's.

Kept apart from :class:`services.lsp.settings.LspSettings` (another module's); an attribute of
the same name on the LSP's settings wins, so they can move there later without a change here.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DefaultSecretError, Mode, ServiceSettings


class IssuanceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKK_", extra="ignore", env_file=None)

    mode: Mode = Mode.DEV
    # SPEC 3 and 5: an SKK is valid 5 years from its issue date.
    certificate_validity_years: int = 5
    # The LSP's PDF signing identity: a private key (PKCS#8 PEM, ECDSA or RSA) and its
    # certificate, optionally followed by the chain up to the root (PEM). Empty in dev: a
    # deterministic self-signed certificate per LSP code (signing.dev_identity), refused in
    # production mode.
    certificate_signing_key_pem: SecretStr = SecretStr("")
    certificate_signing_cert_pem: str = ""
    # Dates on the certificate are taken in this zone.
    timezone: str = "Asia/Jakarta"
    # Safety net for the embedded bus, whose queued events do not survive a restart: every so
    # often (and at start) unfinished issuances are resumed.
    issuance_resume_interval_seconds: float = 60.0

    @model_validator(mode="after")
    def _refuse_dev_identity(self) -> IssuanceSettings:
        if self.mode == Mode.PRODUCTION:
            missing = []
            if not self.certificate_signing_key_pem.get_secret_value().strip():
                missing.append("SKK_CERTIFICATE_SIGNING_KEY_PEM")
            if not self.certificate_signing_cert_pem.strip():
                missing.append("SKK_CERTIFICATE_SIGNING_CERT_PEM")
            if missing:
                raise DefaultSecretError("production mode refuses the dev signing certificate; set "
                                         + ", ".join(missing))
        return self


def issuance_settings(lsp_settings: ServiceSettings, **overrides: Any) -> IssuanceSettings:
    """The issuance settings of this LSP: the environment, then same-named LSP settings, then
    ``overrides``."""
    values: dict[str, Any] = {"mode": lsp_settings.mode}
    for name in IssuanceSettings.model_fields:
        if name != "mode" and hasattr(lsp_settings, name):
            values[name] = getattr(lsp_settings, name)
    values.update(overrides)
    return IssuanceSettings(**values)
