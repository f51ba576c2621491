"""What the lsp service publishes and consumes on the bus."""

from __future__ import annotations

from shared.runtime import ServiceRuntime


def register_consumers(runtime: ServiceRuntime) -> None:
    """Subscribe this service's consumers (none yet)."""
