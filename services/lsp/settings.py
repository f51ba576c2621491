"""Settings of one LSP instance (environment variables ``SKK_*``).

One process (or app) per LSP: ``SKK_LSP_CODE`` picks which; the port, database and SIKI
credentials default per code in dev mode (LSP-A on 8002, LSP-B on 8012).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import SecretStr, model_validator

from shared.devdefaults import DEV_LSPS, dev_api_key, dev_webhook_secret
from shared.settings import ServiceSettings


class LspSettings(ServiceSettings):
    secret_fields: ClassVar[tuple[str, ...]] = (
        "service_token_secret", "siki_webhook_secret", "siki_api_key",
    )

    lsp_code: str = "LSP-A"
    lsp_name: str = ""
    service_name: str = ""
    port: int = 0
    database_url: str = ""
    # The Standard Webhooks secret SIKI signs this LSP's webhooks with, and this LSP's key for
    # SIKI's status API. Both are issued by SIKI when the LSP is registered.
    siki_webhook_secret: SecretStr = SecretStr("")
    siki_api_key: SecretStr = SecretStr("")
    webhook_tolerance_seconds: int = 300

    @model_validator(mode="before")
    @classmethod
    def _per_lsp_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        import os

        code = data.get("lsp_code") or os.environ.get("SKK_LSP_CODE") or "LSP-A"
        dev = DEV_LSPS.get(code, {})
        slug = code.lower().replace("-", "_")

        def default(key: str, value: Any) -> None:
            if not data.get(key) and not os.environ.get("SKK_" + key.upper()):
                data[key] = value

        default("service_name", f"lsp:{code}")
        default("lsp_name", dev.get("name", code))
        default("port", dev.get("port", 8002))
        default("database_url", f"sqlite+aiosqlite:///var/{slug}.db")
        default("siki_webhook_secret", dev_webhook_secret(code))
        default("siki_api_key", dev_api_key(code))
        return data

    @property
    def bus_queue(self) -> str:
        return f"lsp.{self.lsp_code}"
