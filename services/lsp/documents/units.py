"""The seeded units of competence (``skkni_units.json``, package data): what an LSP's new scheme
starts with for APL-02; see the file's ``_comment`` for how far they can be trusted."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _seed() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("services.lsp.documents").joinpath("skkni_units.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["units"])


def seeded_units(jabatan_kerja_code: str) -> list[dict[str, Any]] | None:
    """The seeded units of a jabatan kerja (each with ``elements``: none seeded), or None."""
    units = _seed().get(jabatan_kerja_code)
    if not units:
        return None
    return [{"code": u["code"], "title": u["title"], "uncertain": bool(u.get("uncertain")), "elements": []}
            for u in units]
