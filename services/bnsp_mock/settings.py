"""Settings of the bnsp service (environment variables ``SKK_*``)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class BnspSettings(ServiceSettings):
    service_name: str = "bnsp"
    port: int = 8003
    database_url: str = "sqlite+aiosqlite:///var/bnsp.db"
