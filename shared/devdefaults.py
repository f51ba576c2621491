"""Dev-mode credentials that two services must agree on out of the box (SIKI seeds the two
dev LSPs with them; each LSP instance uses its own). Production mode refuses every one."""

from __future__ import annotations

import base64
import hashlib

DEV_LSPS: dict[str, dict[str, str | int]] = {
    "LSP-A": {"name": "LSP Konstruksi A (dev)", "port": 8002},
    "LSP-B": {"name": "LSP Konstruksi B (dev)", "port": 8012},
}


def _derive(label: str) -> bytes:
    return hashlib.sha256(f"skk-dev-only:{label}".encode()).digest()


def dev_webhook_secret(lsp_code: str) -> str:
    """A Standard Webhooks secret (``whsec_`` + base64 of 32 bytes)."""
    return "whsec_" + base64.b64encode(_derive(f"webhook:{lsp_code}")).decode()


def dev_api_key(lsp_code: str) -> str:
    return "skk_dev_" + _derive(f"api:{lsp_code}").hex()[:40]


def dev_lsp_url(lsp_code: str) -> str:
    return f"http://127.0.0.1:{DEV_LSPS[lsp_code]['port']}"


def is_dev_credential(value: str) -> bool:
    return any(value in (dev_webhook_secret(c), dev_api_key(c)) for c in DEV_LSPS)
