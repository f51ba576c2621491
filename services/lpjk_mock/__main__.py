"""Run the lpjk service as its own process: ``python -m services.lpjk_mock``."""

from __future__ import annotations

import uvicorn

from services.lpjk_mock.app import create_app
from services.lpjk_mock.settings import LpjkSettings


def main() -> None:
    settings = LpjkSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
