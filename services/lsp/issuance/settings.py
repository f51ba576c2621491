"""Settings of the issuance steps, read from the same ``SKK_`` environment as the LSP's.

Kept apart from :class:`services.lsp.settings.LspSettings` (another module's); an attribute of
the same name on the LSP's settings wins, so they can move there later without a change here.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.devdefaults import DEV_LSPS
from shared.settings import DefaultSecretError, Mode, ServiceSettings


class IssuanceSettings(BaseSettings):
    # Refusals name the setting, never its value.
    model_config = SettingsConfigDict(env_prefix="SKK_", extra="ignore", env_file=None, hide_input_in_errors=True)

    mode: Mode = Mode.DEV
    # The LSP's code (copied from its settings): its dev signing key is refused in production.
    lsp_code: str = ""
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
            problem = self._signing_key_problem()
            if problem:
                raise DefaultSecretError("production mode refuses the signing key; set "
                                         f"SKK_CERTIFICATE_SIGNING_KEY_PEM ({problem})")
        return self

    def _signing_key_problem(self) -> str | None:
        """Unreadable, or the dev key of this LSP code or a dev LSP's, however written down."""
        from services.lsp.issuance.signing import dev_private_key  # signing imports these settings

        try:
            key = serialization.load_pem_private_key(
                self.certificate_signing_key_pem.get_secret_value().strip().encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return "not an unencrypted PEM private key"
        public = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        for code in dict.fromkeys([self.lsp_code, *DEV_LSPS]):
            dev = dev_private_key(code).public_key().public_bytes(serialization.Encoding.DER,
                                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
            if code and public == dev:
                return "the published dev key"
        return None


def issuance_settings(lsp_settings: ServiceSettings, **overrides: Any) -> IssuanceSettings:
    """The issuance settings of this LSP: the environment, then same-named LSP settings, then
    ``overrides``."""
    values: dict[str, Any] = {"mode": lsp_settings.mode}
    for name in IssuanceSettings.model_fields:
        if name != "mode" and hasattr(lsp_settings, name):
            values[name] = getattr(lsp_settings, name)
    values.update(overrides)
    return IssuanceSettings(**values)
