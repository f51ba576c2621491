"""The komite's decisions: competence after the assessment (``decide_competence``; Kompeten
hands the application to the issuance steps in the same transaction) and appeals
(``decide_appeal``)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application
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
    staff_actor,
)
from shared.bus.envelope import utcnow
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Forbidden


async def decide_competence(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                            result: Literal["kompeten", "belum_kompeten"]) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.DECIDE_KOMPETEN if result == "kompeten" else Action.DECIDE_BELUM_KOMPETEN, app, staff)
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


async def decide_appeal(ctx: LspContext, staff: StaffPrincipal, application_id: str, *,
                        decision: Literal["upheld", "rejected"], reasons: list[str] | None = None) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        check(Action.UPHOLD_APPEAL if decision == "upheld" else Action.REJECT_APPEAL, app, staff)
        # Stricter than "not the assessor of that assessment": nobody who assessed this
        # application in any round answers its appeal (REFERENCE.md, "Appeals").
        if staff.username in {a.assessor_username for a in await assessments_of(session, app.id)}:
            raise Forbidden("an assessor of this application cannot decide its appeal")
        now = utcnow()
        app.appeal_decision, app.appeal_decided_by, app.appeal_decided_at = decision, staff.username, now
        target = S.APPEAL_UPHELD if decision == "upheld" else S.APPEAL_REJECTED
        note = "Banding diterima: asesmen ulang oleh asesor lain" if decision == "upheld" else "Banding ditolak"
        await apply_step(session, ctx, app, target, actor=staff_actor(ctx, staff), at=now,
                         reasons=clean_reasons(reasons), note=note)
        await audit(ctx, session, staff, "appeal.decided", application_id=app.id, detail={"decision": decision})

    return await act(ctx, staff, application_id, step)
