"""Reference data for front ends (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from shared.reference import get_reference

router = APIRouter(tags=["reference"])


@router.get("/reference-data", operation_id="list_reference_data")
async def list_reference_data() -> dict[str, list[dict[str, Any]]]:
    return get_reference().as_api()
