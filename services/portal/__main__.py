"""Run the portal service as its own process: ``python -m services.portal``."""

from __future__ import annotations

import uvicorn

from services.portal.app import create_app
from services.portal.settings import PortalSettings


def main() -> None:
    settings = PortalSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
