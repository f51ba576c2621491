"""What the staff pages need beside the API's use cases (SPEC section 8, "People see it"): the
worklist's counts per status, the choices for scheduling (this LSP's active assessors and its
TUKs) and an application's audit trail for its manager or admin.

Each keeps the API's rules: an assessor counts only the applications assigned to them, the
audit trail is for ``manajer`` or ``admin`` and reading it is itself audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from services.lsp.db.models import Application, Assessment, Staff
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.queries import sees_everything
from services.lsp.usecases.staff import StaffPrincipal, require_role
from shared.contracts.states import ApplicationStatus
from shared.database import read_session

AUDIT_TRAIL_LIMIT = 200


async def status_counts(ctx: LspContext, staff: StaffPrincipal) -> dict[str, Any]:
    """How many applications the staff member may see, per status, with the appeals flagged
    overdue (``flag=appeal_overdue`` of ``list_applications``)."""
    conditions = []
    if not sees_everything(staff):
        conditions.append(Application.id.in_(
            select(Assessment.application_id).where(Assessment.assessor_username == staff.username)))
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(
            select(Application.status, func.count()).where(*conditions).group_by(Application.status))).all()
        overdue = await session.scalar(
            select(func.count()).select_from(Application).where(
                *conditions, Application.appeal_overdue_at.is_not(None),
                Application.status == ApplicationStatus.APPEALED.value))
    counts = {str(status): int(n) for status, n in rows}
    return {"by_status": counts, "total": sum(counts.values()), "appeal_overdue": int(overdue or 0)}


async def schedule_choices(ctx: LspContext, staff: StaffPrincipal) -> dict[str, list[dict[str, str]]]:
    """For the admin's scheduling form: the active assessors (by username) and this LSP's TUKs."""
    require_role(staff, ("admin",))
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(
            select(Staff.username, Staff.full_name, Staff.roles).where(Staff.active.is_(True))
            .order_by(Staff.username))).all()
    assessors = [{"username": u, "full_name": n or u} for u, n, roles in rows if "asesor" in (roles or [])]
    tuks = [{"code": str(code), "name": str(t.get("name") or code), "kind": str(t.get("kind") or "")}
            for code, t in sorted(ctx.reference.tuks.items()) if t.get("lsp_code") == ctx.code]
    return {"assessors": assessors, "tuks": tuks}


async def application_audit_trail(ctx: LspContext, staff: StaffPrincipal, application_id: str) -> list[dict[str, Any]]:
    """The audit entries of one application, oldest first (``manajer`` or ``admin``); the
    search is recorded in the audit log as the API's ``list_audit_events`` records it."""
    require_role(staff, ("manajer", "admin"))
    async with ctx.sessions() as session, session.begin():
        rows = await ctx.auditor.search(session, application_id=application_id, limit=AUDIT_TRAIL_LIMIT)
        out = [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "target_type": r.target_type,
                "target_id": r.target_id, "detail": dict(r.detail or {})} for r in rows]
        await ctx.auditor.record(session, actor=staff.actor, action="audit.searched", client=staff.client,
                                 detail={"filters": {"application_id": application_id}, "returned": len(out)})
    return list(reversed(out))
