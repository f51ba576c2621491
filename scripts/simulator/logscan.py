"""Errors in the services' logs: JSON lines (``"level": "error"``), console lines of structlog
(``[error    ]``), stdlib lines (``ERROR``/``CRITICAL``) and tracebacks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_LEVELS = frozenset({"error", "critical", "exception", "fatal"})
_CONSOLE = re.compile(r"\[(error|critical|exception)\s*\]", re.IGNORECASE)
_STDLIB = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")


@dataclass(frozen=True)
class LogProblem:
    file: str
    line_no: int
    text: str


def is_error_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if stripped.startswith("{"):
        try:
            record = json.loads(stripped)
        except ValueError:
            record = None
        if isinstance(record, dict):
            level = str(record.get("level") or record.get("levelname") or "").lower()
            return level in _LEVELS or ("exception" in record and bool(record.get("exception")))
    return bool(_CONSOLE.search(stripped) or _STDLIB.match(stripped) or stripped.startswith("Traceback"))


def scan_logs(files: list[Path], offsets: dict[Path, int] | None = None) -> list[LogProblem]:
    """Error lines in ``files`` (from ``offsets[file]`` bytes on, to skip what came before)."""
    problems: list[LogProblem] = []
    for path in files:
        if not path.exists():
            continue
        with path.open("rb") as f:
            f.seek((offsets or {}).get(path, 0))
            for n, raw in enumerate(f, start=1):
                line = raw.decode("utf-8", "replace")
                if is_error_line(line):
                    problems.append(LogProblem(path.name, n, line.strip()[:500]))
    return problems


def log_offsets(files: list[Path]) -> dict[Path, int]:
    return {p: p.stat().st_size for p in files if p.exists()}
