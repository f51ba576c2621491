"""Data keys fit for production settings in tests (issue 12: production refuses missing,
dev-derived or weak data keys)."""

from __future__ import annotations

import base64
import os
from typing import Any


def production_data_keys() -> dict[str, Any]:
    """Settings values: a random key-encryption key (kid ``k1``) and a random blind-index key."""
    return {"data_keys": {"k1": base64.b64encode(os.urandom(32)).decode()},
            "blind_index_key": base64.b64encode(os.urandom(32)).decode()}
