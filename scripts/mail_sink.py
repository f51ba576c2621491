"""A local SMTP sink (aiosmtpd) for the embedded mode: every mail the services send over real
SMTP lands as an ``.eml`` file in a folder."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _FolderHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start_mail_sink(folder: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    controller = Controller(_FolderHandler(folder), hostname=host, port=port)
    controller.start()
    return controller
