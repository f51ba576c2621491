"""Paging of every list endpoint: ``limit`` (capped) and ``offset`` query parameters that the
queries apply (LIMIT/OFFSET over a stable order), and the number of matching items in the
``X-Total-Count`` header for lists whose contract is a bare array."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Far past any real list (an offset beyond the end answers an empty page); the bound turns an
# absurd value such as 2**63 into a 422 naming ``offset`` rather than a database overflow.
MAX_OFFSET = 1_000_000
TOTAL_HEADER = "X-Total-Count"

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="how many items to skip")]

TOTAL_COUNT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"headers": {TOTAL_HEADER: {
        "description": "how many items match in all (the page holds at most `limit` of them)",
        "schema": {"type": "integer", "minimum": 0},
    }}},
}


def set_total(response: Response, total: int) -> None:
    response.headers[TOTAL_HEADER] = str(total)
