"""Settings of the siki service (environment variables ``SKK_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import SecretStr

from shared.devdefaults import dev_lsp_url
from shared.settings import ServiceSettings

DEV_OPERATOR_TOKEN = "dev-siki-operator-token-change-me"


class SikiSettings(ServiceSettings):
    secret_fields: ClassVar[tuple[str, ...]] = ("service_token_secret", "operator_token")

    service_name: str = "siki"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///var/siki.db"
    # Operators call the registry and delivery-log operations with ``Bearer <operator_token>``.
    operator_token: SecretStr = SecretStr(DEV_OPERATOR_TOKEN)
    # Dev mode: register LSP-A and LSP-B with the well-known dev credentials at start-up.
    seed_dev_lsps: bool = True
    # Where the dev LSPs answer, by code (defaults to shared.devdefaults.dev_lsp_url); tests
    # and the multi-process chain point them elsewhere.
    dev_lsp_urls: dict[str, str] = {}
    webhook_path: str = "/api/v1/webhooks/siki"
    # Webhook delivery: attempts through the bus with exponential backoff, then dead-lettered.
    webhook_max_attempts: int = 8
    webhook_retry_base_seconds: float = 1.0
    webhook_retry_max_seconds: float = 60.0
    webhook_timeout_seconds: float = 5
    skk_validity_years: int = 5

    def dev_webhook_url(self, code: str) -> str:
        """Where a dev LSP receives SIKI's webhooks."""
        base = self.dev_lsp_urls.get(code) or dev_lsp_url(code)
        return base.rstrip("/") + self.webhook_path
