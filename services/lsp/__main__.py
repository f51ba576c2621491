"""Run the lsp service as its own process: ``python -m services.lsp``."""

from __future__ import annotations

import uvicorn

from services.lsp.app import create_app
from services.lsp.settings import LspSettings


def main() -> None:
    settings = LspSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False)


if __name__ == "__main__":
    main()
