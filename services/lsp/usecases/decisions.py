"""The komite's decisions: competence after the assessment (``decide_competence``; Kompeten
hands the application to the issuance steps in the same transaction; a change, perubahan, is
decided Kompeten straight from ``accepted``, never Belum Kompeten) and appeals
(``decide_appeal``, by a komite member who neither assessed nor decided the application; an
appeal left undecided past ``appeal_decision_working_days`` is flagged by the deadline sweep,
``flag_overdue_appeals``)."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application
from services.lsp.domain.appeals import appeal_decider_problem, decision_due, is_appeal_overdue
from services.lsp.domain.machine import Action
from services.lsp.usecases.assessment import current_assessment
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import (
    act,
    apply_step,
    assessment_info,
    assessments_of,
    check,
    clean_reasons,
    load_application,
    staff_actor,
)
from shared.bus.envelope import utcnow
from shared.contracts.kinds import CHANGE
from shared.contracts.states import ApplicationStatus as S
from shared.database import read_session
from shared.exceptions import Forbidden
from shared.logging import get_logger

log = get_logger(__name__)


async def decide_competence(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                            result: Literal["kompeten", "belum_kompeten"]) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.DECIDE_KOMPETEN if result == "kompeten" else Action.DECIDE_BELUM_KOMPETEN, app, staff)
        if app.application_kind == CHANGE:
            await _decide_change(session, ctx, staff, app)
            return
        current = await current_assessment(session, app)
        if current.assessor_username == staff.username:
            raise Forbidden("the assessor of this assessment cannot decide on it")
        now = utcnow()
        current.result, current.decided_by, current.decided_at = result, staff.username, now
        app.result, app.decided_by, app.decided_at = result, staff.username, now
        target = S.COMPETENT if result == "kompeten" else S.NOT_YET_COMPETENT
        label = "Kompeten" if result == "kompeten" else "Belum Kompeten"
        await apply_step(session, ctx, app, target, actor=staff_actor(ctx, staff), at=now,
                         assessment=assessment_info(current, result), note=f"Keputusan komite: {label}")
        if target is S.COMPETENT:
            ctx.issuance.request(session, app.id)
        await audit(ctx, session, staff, "competence.decided", application_id=app.id,
                    detail={"round": current.round, "result": result})

    return await act(ctx, staff, application_id, step)


async def _decide_change(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application) -> None:
    """A change (perubahan), from ``accepted``: no assessment to decide on, so no assessor to keep
    out; Kompeten hands it to the issuance steps (same SKK number, same validity end)."""
    now = utcnow()
    app.result, app.decided_by, app.decided_at = "kompeten", staff.username, now
    fields = ", ".join(CHANGE_LABELS.get(f, f) for f in app.changed_fields or [])
    await apply_step(session, ctx, app, S.COMPETENT, actor=staff_actor(ctx, staff), at=now,
                     note=f"Keputusan komite: Kompeten (perubahan data {fields} SKK {app.previous_skk_number}, "
                          "tanpa asesmen)")
    ctx.issuance.request(session, app.id)
    await audit(ctx, session, staff, "competence.decided", application_id=app.id,
                detail={"round": 0, "result": "kompeten", "application_kind": app.application_kind})


# How a changed field is named to the applicant and staff.
CHANGE_LABELS = {"full_name": "nama"}


async def decide_appeal(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                        decision: Literal["upheld", "rejected"], reasons: list[str] | None = None) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.UPHOLD_APPEAL if decision == "upheld" else Action.REJECT_APPEAL, app, staff)
        # Nobody who assessed (scheduled or reported, in any round) or decided this application's
        # competence answers its appeal (REFERENCE.md, "Appeals"; SPEC section 8).
        rounds = await assessments_of(session, app.id)
        problem = appeal_decider_problem(staff.username, assessors=[a.assessor_username for a in rounds],
                                         deciders=[app.decided_by, *(a.decided_by for a in rounds)])
        if problem is not None:
            raise Forbidden(problem, errors=[{"field": "komite", "message": problem}])
        now = utcnow()
        app.appeal_decision, app.appeal_decided_by, app.appeal_decided_at = decision, staff.username, now
        target = S.APPEAL_UPHELD if decision == "upheld" else S.APPEAL_REJECTED
        note = "Banding diterima: asesmen ulang oleh asesor lain" if decision == "upheld" else "Banding ditolak"
        await apply_step(session, ctx, app, target, actor=staff_actor(ctx, staff), at=now,
                         reasons=clean_reasons(reasons), note=note)
        await audit(ctx, session, staff, "appeal.decided", application_id=app.id, detail={"decision": decision})

    return await act(ctx, staff, application_id, step)


SYSTEM_ACTOR = "system:{code}:deadline-sweep"


async def flag_overdue_appeals(ctx: LspContext, today: date) -> list[str]:
    """Flag every appeal still undecided after the LSP's working days (the manager's list shows
    them); each in its own transaction with its audit entry, each flagged once."""
    days = ctx.settings.appeal_decision_working_days
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(
            select(Application.id, Application.appeal_filed_at)
            .where(Application.status == S.APPEALED.value, Application.appeal_overdue_at.is_(None),
                   Application.appeal_filed_at.is_not(None))
            .order_by(Application.appeal_filed_at, Application.id)
        )).all()
    flagged: list[str] = []
    for application_id, filed_at in rows:
        if filed_at is None:  # excluded by the query; for the type checker
            continue
        # Stored in UTC; SQLite hands it back without its zone.
        filed_on = ctx.local_date(filed_at if filed_at.tzinfo else filed_at.replace(tzinfo=UTC))
        if not is_appeal_overdue(filed_on, today, days, ctx.calendar):
            continue
        try:
            async with ctx.sessions() as session, session.begin():
                app = await load_application(session, application_id)
                if app.status != S.APPEALED.value or app.appeal_overdue_at is not None:
                    continue  # decided (or flagged) since the query
                app.appeal_overdue_at = utcnow()
                await ctx.auditor.record(
                    session, actor=SYSTEM_ACTOR.format(code=ctx.code), action="appeal.overdue",
                    target_type="application", target_id=app.id, application_id=app.id,
                    detail={"filed_on": filed_on.isoformat(), "working_days": days,
                            "decision_due": decision_due(filed_on, days, ctx.calendar).isoformat()})
            flagged.append(application_id)
        except Exception as exc:  # one failure does not hold the others back; the next sweep retries
            log.warning("deadline sweep could not flag an overdue appeal", application_id=application_id,
                        error=repr(exc))
    if flagged:
        log.info("appeals not decided in time flagged for the manager", count=len(flagged))
    return flagged
