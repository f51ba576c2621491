"""Runs the issuance steps when the LSP decides Kompeten (filled in by the issuance work)."""

from __future__ import annotations

from services.lsp.settings import LspSettings
from shared.runtime import ServiceRuntime


def register_issuance(runtime: ServiceRuntime, settings: LspSettings) -> None:
    """Subscribe the issuance consumer on the LSP's own queue."""
