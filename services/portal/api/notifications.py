"""The applicant's notifications, fed by SIKI's status events."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.portal.api.deps import CurrentUser, NotificationsDep
from services.portal.api.schemas import NotificationOut
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(tags=["notifications"])


@router.get("/notifications", operation_id="list_notifications", response_model=list[NotificationOut],
            responses={**PROBLEM_RESPONSES, **TOTAL_COUNT_RESPONSE})
async def list_notifications(user: CurrentUser, notifications: NotificationsDep, response: Response,
                             limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> list[NotificationOut]:
    """Newest first, one page at a time; ``X-Total-Count`` says how many there are in all."""
    items, total = await notifications.list_own(user.id, limit=limit, offset=offset)
    set_total(response, total)
    return items
