"""The services' OpenAPI documents, shared by the contract tests."""

from __future__ import annotations

from functools import cache
from typing import Any

from scripts.contracts import openapi


@cache
def openapi_of(service: str) -> dict[str, Any]:
    """The service's OpenAPI document, its app built once per test session (default dev settings)."""
    return openapi.build(service)
