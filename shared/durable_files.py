"""Files written whole and durably: the portal's stored documents and the mail folder's messages.

A file is written under a temporary name in its directory, fsync'd, then renamed into place, and
the directory is fsync'd after the rename (and the parent's, when the directory itself was just
made): a reader never sees half a file, two writers of the same bytes both end with the same
complete file, and once this returns a crash of the machine loses neither the bytes nor the name.
Without the directory's fsync the rename may not survive a crash, though the caller has already
committed the row, or acknowledged the message, that counts on the file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes) -> None:
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        fsync_directory(target.parent.parent)  # the new directory's own entry
    # The temporary name starts with a dot and has no suffix: no reader's glob picks it up.
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
    fsync_directory(target.parent)


def fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
