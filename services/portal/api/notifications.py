"""The applicant's notifications, fed by SIKI's status events."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select

from services.portal.api.deps import Applicant, PortalContext, current_user, get_portal, utc
from services.portal.db.models import Notification
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    id: str
    application_id: str | None
    status: str | None
    message: str
    created_at: datetime


@router.get("/notifications", operation_id="list_notifications", response_model=list[NotificationOut],
            responses=PROBLEM_RESPONSES)
async def list_notifications(user: Applicant = Depends(current_user),
                             portal: PortalContext = Depends(get_portal)) -> list[NotificationOut]:
    async with portal.runtime.sessions() as s:
        rows = (await s.execute(
            select(Notification.id, Notification.application_id, Notification.status, Notification.message,
                   Notification.created_at)
            .where(Notification.user_id == user.id).order_by(Notification.created_at.desc(), Notification.id)
        )).all()
    return [NotificationOut(id=n.id, application_id=n.application_id, status=n.status, message=n.message,
                            created_at=utc(n.created_at)) for n in rows]
