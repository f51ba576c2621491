"""Run the siki service as its own process: ``python -m services.siki``."""

from __future__ import annotations

import uvicorn

from services.siki.app import create_app
from services.siki.settings import SikiSettings


def main() -> None:
    settings = SikiSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
