"""Settings of the siki service (environment variables ``SKK_*``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.devdefaults import dev_lsp_url
from shared.operators import OperatorSettings

MAX_WEBHOOK_SECRET_GRACE_SECONDS = 7 * 86400


class SikiSettings(OperatorSettings):
    secret_fields: ClassVar[tuple[str, ...]] = ("service_signing_key_pem", "operator_jwt_secret")
    blind_index_required: ClassVar[bool] = True  # NIK lookups go by blind index

    service_name: str = "siki"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///var/siki.db"
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
    # Webhook URLs (docs/CONTRACTS.md "Webhook URLs and secrets"): production accepts only https
    # URLs whose host resolves to public addresses, at registration and before every attempt;
    # true applies the same rule in dev mode (which otherwise allows http, loopback and private).
    webhook_urls_public_only: bool = False
    # After rotate_lsp_secret, SIKI signs with the new and the previous webhook secret for this
    # long (two signatures in ``webhook-signature``), so the LSP can switch without losing a
    # delivery; 0 stops the previous secret at once (a leaked one).
    webhook_secret_grace_seconds: int = Field(86400, ge=0, le=MAX_WEBHOOK_SECRET_GRACE_SECONDS)
    skk_validity_years: int = 5
    # A Belum Kompeten decision may be appealed for this many Indonesian working days; the
    # ownership limits count the application meanwhile (SPEC sections 3 and 8).
    appeal_window_working_days: int = Field(5, ge=0)
    # Collective leave (cuti bersama) counts as a holiday for the window unless false.
    count_collective_leave: bool = True

    @property
    def strict_webhook_urls(self) -> bool:
        return not self.is_dev or self.webhook_urls_public_only

    def dev_webhook_url(self, code: str) -> str:
        """Where a dev LSP receives SIKI's webhooks."""
        base = self.dev_lsp_urls.get(code) or dev_lsp_url(code)
        return base.rstrip("/") + self.webhook_path
