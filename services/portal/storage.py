"""The portal's document store: uploaded bytes on disk, encrypted (shared/crypto.py), one file
per distinct content, so the same bytes uploaded twice are stored once.

A file is named by a keyed hash of the content's SHA-256 (``<dir>/<name[:2]>/<name>``), not by
the SHA-256 itself, which would let anyone holding a copy of a document confirm it is there. Its
content is sealed with the document's SHA-256 as associated data: a file swapped for another's
does not open. Files written before encryption (plain bytes named by their SHA-256) are still
read, and :meth:`DocumentStore.seal_legacy_files` encrypts them once (at start-up).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

from shared.crypto import BLOB_MAGIC, DataKeys
from shared.durable_files import write_atomically
from shared.logging import get_logger

log = get_logger(__name__)

_SHA = re.compile(r"^[0-9a-f]{64}$")
# Written once every file written before encryption is sealed: later start-ups skip the walk.
SEALED_MARKER = ".sealed-v1"


def _context(sha256: str) -> str:
    return f"document:{sha256}"


class DocumentStore:
    def __init__(self, root: str | Path, keys: DataKeys) -> None:
        self.root = Path(root)
        self._keys = keys

    @staticmethod
    def _check(sha256: str) -> str:
        if not _SHA.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return sha256

    def path(self, sha256: str) -> Path:
        """Where the encrypted file of the content with this SHA-256 is kept."""
        name = self._keys.blind_index(self._check(sha256), "document")
        return self.root / name[:2] / name

    def _legacy_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / self._check(sha256)

    def _put(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        if not target.exists():
            write_atomically(target, self._keys.seal_bytes(data, _context(sha256)))
        # The same bytes kept in clear from before encryption: the sealed copy replaces them.
        self._legacy_path(sha256).unlink(missing_ok=True)

    async def put(self, sha256: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, sha256, data)

    def _get(self, sha256: str) -> bytes:
        target = self.path(sha256)
        if target.exists():
            return self._keys.open_bytes(target.read_bytes(), _context(sha256))
        return self._legacy_path(sha256).read_bytes()

    async def get(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self._get, sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists() or self._legacy_path(sha256).exists()

    def _seal_legacy(self) -> int:
        marker = self.root / SEALED_MARKER
        if marker.exists():
            return 0
        sealed = 0
        for path in sorted(self.root.glob("??/*")):
            with path.open("rb") as f:
                if f.read(len(BLOB_MAGIC)) == BLOB_MAGIC:
                    continue
            data = path.read_bytes()
            # A file written before encryption: named by its content's SHA-256, under its prefix.
            if path.name != hashlib.sha256(data).hexdigest() or path.parent.name != path.name[:2]:
                continue
            self._put(path.name, data)  # and removes the file in clear
            sealed += 1
        self.root.mkdir(parents=True, exist_ok=True)
        marker.touch()
        return sealed

    async def seal_legacy_files(self) -> None:
        """Encrypt the files stored before encryption (once: a marker file records it)."""
        sealed = await asyncio.to_thread(self._seal_legacy)
        if sealed:
            log.info("encrypted stored documents", files=sealed)
