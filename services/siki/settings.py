"""Settings of the siki service (environment variables ``SKK_*``)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class SikiSettings(ServiceSettings):
    service_name: str = "siki"
    port: int = 8001
    database_url: str = "sqlite+aiosqlite:///var/siki.db"
