"""Settings of the bnsp service (environment variables ``SKK_*``)."""

from __future__ import annotations

from shared.operators import OperatorSettings


class BnspSettings(OperatorSettings):
    # Operators (created by ``create-operator``) with the role audit read the audit log.
    service_name: str = "bnsp"
    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///var/bnsp.db"
