"""Reference data for front ends (public)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter

from services.portal.api.schemas import ReferenceData
from shared.reference import get_reference

router = APIRouter(tags=["reference"])


@lru_cache(maxsize=1)
def reference_data() -> ReferenceData:
    return ReferenceData.model_validate(get_reference().as_api())


@router.get("/reference-data", operation_id="list_reference_data", response_model=ReferenceData,
            response_model_exclude_unset=True)
async def list_reference_data() -> ReferenceData:
    return reference_data()
