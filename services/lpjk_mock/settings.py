"""Settings of the lpjk service (environment variables ``SKK_*``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import ClassVar

from pydantic import SecretStr, field_validator, model_validator

from services.lpjk_mock.domain import qr
from shared.operators import OperatorSettings
from shared.settings import DefaultSecretError, Mode
from shared.throttle import check_limits


def _instant(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    at = datetime.fromisoformat(text) if "T" in text else datetime.combine(date.fromisoformat(text), time())
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def parse_validity(window: str) -> tuple[datetime | None, datetime | None]:
    """``"from/until"`` (either side may be empty) as two instants (UTC when no zone is given)."""
    start, sep, end = window.partition("/")
    if not sep:
        raise ValueError("expected 'from/until'")
    return _instant(start), _instant(end)


class LpjkSettings(OperatorSettings):
    # An empty QR signing key selects the published dev key (domain.qr.dev_signing_key), which
    # production mode refuses.
    secret_fields: ClassVar[tuple[str, ...]] = ("service_signing_key_pem", "qr_signing_key_pem",
                                                "operator_jwt_secret")
    blind_index_required: ClassVar[bool] = True  # the register's NIK index

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
    # The trust list's validity of the keys (ISO 8601 dates or date-times): since when the current
    # key signs, and for a retired key "from/until" (``SKK_QR_RETIRED_KEY_VALIDITY``, JSON: kid ->
    # "2025-01-01/2026-06-30"); a retired key without one is listed without dates.
    qr_key_valid_from: datetime | None = None
    qr_retired_key_validity: dict[str, str] = {}
    # Each LSP's PDF-signing certificate (LSP code -> X.509 PEM) for the trust list; unset in dev,
    # the dev LSPs' deterministic dev certificates (shared/devpdf.py) are listed.
    lsp_pdf_certificates: dict[str, str] = {}
    # Public verification per client address (`limits` tiers separated by ';'): enough for a
    # person scanning certificates at a site, far too few to walk the register.
    public_verification_limits: str = "30/minute;300/hour"

    @field_validator("qr_retired_key_validity")
    @classmethod
    def _validity_parses(cls, value: dict[str, str]) -> dict[str, str]:
        for kid, window in value.items():
            try:
                parse_validity(window)
            except ValueError:
                raise ValueError(f"kid {kid!r}: expected 'from/until' as ISO dates or date-times, "
                                 "e.g. '2025-01-01/2026-06-30'") from None
        return value

    def retired_key_validity(self, kid: str) -> tuple[datetime | None, datetime | None]:
        window = self.qr_retired_key_validity.get(kid)
        return parse_validity(window) if window else (None, None)

    @field_validator("public_verification_limits")
    @classmethod
    def _limits_parse(cls, value: str) -> str:
        try:
            check_limits(value)
        except ValueError:
            raise ValueError("expected limits such as '30/minute;300/hour'") from None
        return value

    def secret_problem(self, name: str) -> str | None:
        """The QR key is refused in production if unset, unreadable, or the dev key in any form."""
        if name != "qr_signing_key_pem":
            return super().secret_problem(name)
        pem = self.qr_signing_key_pem.get_secret_value()
        if not pem.strip():
            return "unset: the published dev key"
        try:
            key = qr.load_private_key(pem)
        except ValueError as exc:
            return str(exc)
        return "the published dev key" if qr.is_dev_key(key.public_key()) else None

    @model_validator(mode="after")
    def _refuse_the_dev_qr_key_for_verification(self) -> LpjkSettings:
        """A retired key that is the dev key would let anyone sign QR codes LPJK calls valid."""
        if self.mode == Mode.PRODUCTION:
            for kid, pem in self.qr_retired_public_keys.items():
                try:
                    dev = qr.is_dev_key(qr.load_public_key(pem))
                except ValueError:
                    raise DefaultSecretError(f"SKK_QR_RETIRED_PUBLIC_KEYS: kid {kid!r} is not an Ed25519 "
                                             "public key (PEM)") from None
                if dev:
                    raise DefaultSecretError(f"production mode refuses the published dev QR key; remove kid "
                                             f"{kid!r} from SKK_QR_RETIRED_PUBLIC_KEYS")
        return self
