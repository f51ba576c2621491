"""Running the expiry reminder sweep on demand (``run_expiry_reminders``): an admin operator
sweeps today, and in dev mode any day (``as_of``), so that tests and ``make run`` users see the
90- and 30-day emails without waiting years. The daily job runs the same sweep by itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from services.portal.usecases.reminders import ExpiryReminders, ReminderSweep
from shared.contracts.types import Day
from shared.errors import PROBLEM_RESPONSES
from shared.operators import ADMIN, OperatorPrincipal
from shared.operators_api import operator_with

router = APIRouter(tags=["operator"])

Admin = Annotated[OperatorPrincipal, Depends(operator_with(ADMIN))]


async def expiry_reminders(request: Request) -> ExpiryReminders:
    reminders: ExpiryReminders = request.app.state.expiry_reminders
    return reminders


RemindersDep = Annotated[ExpiryReminders, Depends(expiry_reminders)]


class ReminderSweepRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: Day | None = Field(None, description="dev mode only: the day (WIB) to sweep as if it were today")


class SentReminderOut(BaseModel):
    application_id: str
    skk_number: str
    threshold_days: int = Field(description="the reminder sent: this many days before expiry (90, 30...)")
    days_left: int = Field(description="days of validity left on the day swept")
    valid_until: Day


class ReminderSweepOut(BaseModel):
    as_of: Day
    skipped: bool = Field(description="another replica was sweeping: this pass sent nothing")
    sent: list[SentReminderOut]

    @classmethod
    def of(cls, sweep: ReminderSweep) -> ReminderSweepOut:
        return cls(as_of=sweep.as_of, skipped=sweep.skipped, sent=[SentReminderOut(
            application_id=r.application_id, skk_number=r.skk_number, threshold_days=r.threshold_days,
            days_left=r.days_left, valid_until=r.valid_until) for r in sweep.sent])


@router.post("/operator/expiry-reminders", operation_id="run_expiry_reminders", response_model=ReminderSweepOut,
             responses=PROBLEM_RESPONSES)
async def run_expiry_reminders(_: Admin, reminders: RemindersDep,
                               body: Annotated[ReminderSweepRequest | None, Body()] = None) -> ReminderSweepOut:
    """Email (and notify) every holder whose SKK reaches an expiry threshold (``SKK_EXPIRY_REMINDER_DAYS``)
    today, each reminder once; ``as_of`` (dev mode only, else 422) sweeps that day instead."""
    return ReminderSweepOut.of(await reminders.trigger(body.as_of if body is not None else None))
