"""With no SMTP server, mail goes to a folder as ``.eml`` files that readers (the simulator's
mailbox, tests) pick up by glob while the service keeps writing: a reader must never see half a
message."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shared import mail


async def test_a_message_appears_in_the_folder_whole_or_not_at_all(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen_while_writing: list[list[str]] = []
    fsync = os.fsync

    def observed(fd: int) -> None:
        # What a reader globbing the folder would find while the bytes go to disk.
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            seen_while_writing.append(sorted(p.name for p in tmp_path.glob("*.eml")))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", observed)
    msg = mail.build_message("LSP <noreply@lsp.example.id>", "budi@example.id", "Subjek", "Isi pesan " * 200)
    await mail.deliver(msg, smtp_url=None, mail_dir=tmp_path, timeout=5)

    assert seen_while_writing == [[]]
    (written,) = tmp_path.glob("*.eml")
    assert written.read_bytes() == bytes(msg)
    assert [p.name for p in tmp_path.iterdir()] == [written.name]  # no partial file left behind
