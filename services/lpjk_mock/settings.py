"""Settings of the lpjk service (environment variables ``SKK_*``)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class LpjkSettings(ServiceSettings):
    service_name: str = "lpjk"
    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///var/lpjk.db"
