"""write_atomically: the bytes, then the name (the rename), then a new directory's name reach the
disk, in that order, so that a machine crash after the caller committed loses nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shared.durable_files import write_atomically


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[tuple[str, bool]]:
    synced: list[tuple[str, bool]] = []  # (what, whether the target existed by then)
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        what = "directory " + os.readlink(f"/proc/self/fd/{fd}") if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        synced.append((what, target.exists()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    return synced


def test_the_file_then_its_directory_entry_then_a_new_directory_reach_the_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ab" / "abcdef"
    synced = _record_fsyncs(monkeypatch, target)
    write_atomically(target, b"sealed bytes")
    assert synced == [(f"directory {tmp_path}", False), ("file", False), (f"directory {target.parent}", True)]
    assert target.read_bytes() == b"sealed bytes"
    # Another file in the same directory: only its bytes and its entry.
    synced.clear()
    other = target.with_name("other")
    write_atomically(other, b"more")
    assert [what for what, _ in synced] == ["file", f"directory {target.parent}"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["abcdef", "other"]  # no temporary file left


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    target = tmp_path / "message.eml"
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, b"x")
    assert list(tmp_path.iterdir()) == []
