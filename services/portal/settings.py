"""Settings of the portal service (environment variables ``SKK_*``)."""

from __future__ import annotations

from shared.settings import ServiceSettings


class PortalSettings(ServiceSettings):
    service_name: str = "portal"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///var/portal.db"
