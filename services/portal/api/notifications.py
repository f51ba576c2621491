"""The applicant's notifications, fed by SIKI's status events."""

from __future__ import annotations

from fastapi import APIRouter

from services.portal.api.deps import CurrentUser, NotificationsDep
from services.portal.api.schemas import NotificationOut
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["notifications"])


@router.get("/notifications", operation_id="list_notifications", response_model=list[NotificationOut],
            responses=PROBLEM_RESPONSES)
async def list_notifications(user: CurrentUser, notifications: NotificationsDep) -> list[NotificationOut]:
    return await notifications.list_own(user.id)
