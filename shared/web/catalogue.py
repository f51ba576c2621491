"""The message catalogue: every text a page shows, by key, in Bahasa Indonesia. A service's own
``web/messages/id.json`` (and ``id.<part>.json``, one file per group of pages) is looked in
first, then ``shared/web/messages/id.json``; a missing key shows the key
itself (and is logged once), so a gap is visible rather than fatal."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SHARED_MESSAGES = Path(__file__).parent / "messages"
log = logging.getLogger(__name__)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


class Catalogue:
    """Keys (nested JSON objects flatten to dotted keys) to texts, with ``str.format`` fields."""

    def __init__(self, directories: Iterable[Path], language: str = "id") -> None:
        self.messages: dict[str, str] = {}
        self.missing: set[str] = set()
        for directory in reversed(list(directories)):  # the first directory wins
            # ``id.json`` and any ``id.<part>.json`` (one file per group of pages)
            for path in [*sorted(Path(directory).glob(f"{language}.*.json")), Path(directory) / f"{language}.json"]:
                if path.is_file():
                    self.messages.update(_flatten(json.loads(path.read_text(encoding="utf-8"))))

    def __contains__(self, key: str) -> bool:
        return key in self.messages

    def t(self, key: str, /, **fields: Any) -> str:
        text = self.messages.get(key)
        if text is None:
            if key not in self.missing:
                self.missing.add(key)
                log.warning("message key missing from the catalogue: %s", key)
            return key
        if not fields:
            return text
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text
