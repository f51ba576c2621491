"""Assessment: starting certification, scheduling the assessment (an assessor of this LSP at one
of its TUKs, never twice on a day), and the assessor's report (``start_certification``,
``schedule_assessment``, ``submit_assessment_report``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Assessment, Staff
from services.lsp.domain.machine import Action
from services.lsp.domain.scheduling import Booking, assessment_day, assessor_problems, busy_key, is_double_booked
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import (
    act,
    apply_step,
    assessments_of,
    check,
    described_assessment,
    schedule_note,
    staff_actor,
)
from shared.bus.envelope import utcnow
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict, Forbidden, Invalid


async def start_certification(ctx: LspContext, staff: StaffPrincipal, application_id: str) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.START_CERTIFICATION, app, staff)
        now = utcnow()
        app.certification_started_at, app.certification_started_by = now, staff.username
        await apply_step(session, ctx, app, S.IN_CERTIFICATION, actor=staff_actor(ctx, staff), at=now,
                         note="Proses Sertifikasi dimulai")
        await audit(ctx, session, staff, "certification.started", application_id=app.id)

    return await act(ctx, staff, application_id, step)


async def schedule_assessment(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                              assessor_username: str, tuk_code: str, scheduled_at: datetime) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        await _schedule(session, ctx, staff, app, assessor_username, tuk_code, scheduled_at)

    return await act(ctx, staff, application_id, step)


async def _schedule(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application,
                    assessor_username: str, tuk_code: str, scheduled_at: datetime) -> None:
    check(Action.SCHEDULE_ASSESSMENT, app, staff)
    if scheduled_at.tzinfo is None:
        scheduled_at = scheduled_at.replace(tzinfo=ctx.tz)
    errors: list[dict[str, str]] = []
    tuk = ctx.reference.tuks.get(tuk_code)
    if tuk is None or tuk.get("lsp_code") != ctx.code:
        errors.append({"field": "tuk_code", "message": f"{tuk_code!r} is not a TUK of {ctx.code}"})
    if scheduled_at < utcnow():
        errors.append({"field": "scheduled_at", "message": "the assessment cannot be scheduled in the past"})
    assessor = await session.get(Staff, assessor_username)
    previous = await assessments_of(session, app.id)
    errors.extend(assessor_problems(
        assessor_username=assessor_username,
        assessor_roles=assessor.roles if assessor is not None and assessor.active else None,
        previous_assessors=[a.assessor_username for a in previous],
        after_upheld_appeal=app.status == S.APPEAL_UPHELD.value,
    ))
    if errors:
        raise Invalid.fields(errors)
    day = assessment_day(scheduled_at, ctx.tz)
    same_day = (await session.execute(
        select(Assessment.assessor_username, Assessment.scheduled_day, Assessment.busy_key)
        .where(Assessment.assessor_username == assessor_username, Assessment.scheduled_day == day)
    )).all()
    if is_double_booked(assessor_username, day, [Booking(u, d, k is not None) for u, d, k in same_day]):
        raise _double_booked(assessor_username, day)
    row = Assessment(application_id=app.id, round=len(previous) + 1, assessor_username=assessor_username,
                     tuk_code=tuk_code, scheduled_at=scheduled_at, scheduled_day=day,
                     scheduled_by=staff.username, busy_key=busy_key(assessor_username, day))
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent booking of the same assessor and day won
        raise _double_booked(assessor_username, day) from exc
    info = await described_assessment(session, ctx, row, assessor=assessor)
    await apply_step(session, ctx, app, S.SCHEDULED, actor=staff_actor(ctx, staff), assessment=info,
                     note=schedule_note(info, ctx.tz, app.application_kind))
    await audit(ctx, session, staff, "assessment.scheduled", application_id=app.id,
                detail={"round": row.round, "assessor_username": assessor_username, "tuk_code": tuk_code,
                        "scheduled_at": scheduled_at.isoformat()})


def _double_booked(assessor_username: str, day: date) -> Conflict:
    msg = f"{assessor_username} already has an active assessment on {day.isoformat()}"
    return Conflict(msg, errors=[{"field": "assessor_username", "message": msg}])


async def current_assessment(session: AsyncSession, app: Application) -> Assessment:
    rows = await assessments_of(session, app.id)
    if not rows:
        raise Conflict("the application has no assessment", errors=[{"field": "status", "message": "no assessment"}])
    return rows[-1]


async def submit_assessment_report(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                                   recommendation: Literal["K", "BK"], notes: str | None) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.SUBMIT_ASSESSMENT_REPORT, app, staff)
        current = await current_assessment(session, app)
        if current.assessor_username != staff.username:
            raise Forbidden("only the assigned assessor reports on this assessment")
        current.recommendation, current.notes, current.reported_at = recommendation, notes, utcnow()
        current.busy_key = None  # reported: the assessor's day is free again
        await apply_step(session, ctx, app, S.ASSESSED, actor=staff_actor(ctx, staff),
                         assessment=await described_assessment(session, ctx, current),
                         note=f"Rekomendasi asesor: {recommendation}")
        # The notes are free text (they may name the applicant): the timeline keeps them.
        await audit(ctx, session, staff, "assessment.reported", application_id=app.id,
                    detail={"round": current.round, "recommendation": recommendation})

    return await act(ctx, staff, application_id, step)
