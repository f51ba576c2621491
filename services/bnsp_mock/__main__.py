"""Run the bnsp service as its own process: ``python -m services.bnsp_mock``."""

from __future__ import annotations

import uvicorn

from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings


def main() -> None:
    settings = BnspSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
