"""The portal's document store: bytes on disk, content-addressed by their SHA-256
(``<dir>/<sha[:2]>/<sha>``), so the same bytes uploaded twice are stored once."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path

_SHA = re.compile(r"^[0-9a-f]{64}$")


class DocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def _put(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never sees half a file, and two writers of the
        # same bytes both end with the same complete file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put(self, sha256: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, sha256, data)

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.path(sha256).read_bytes)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()
