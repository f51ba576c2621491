"""``verify_application``: the admin checks FR.APL.01 and accepts the application (which issues
the invoice at once; only while SIKI's re-check of the ownership limits says the applicant is
eligible, ``usecases/eligibility.py``) or returns it to the applicant with reasons."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Scheme
from services.lsp.domain.machine import Action
from services.lsp.usecases import eligibility
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.payments import issue_invoice
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import act, apply_step, check, require_reasons, staff_actor
from shared.bus.envelope import utcnow
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict


async def verify_application(ctx: LspContext, staff: StaffPrincipal, application_id: str,
                             decision: Literal["accepted", "rejected"], reasons: list[str] | None) -> dict[str, Any]:
    async def step(session: AsyncSession, app: Application) -> None:
        if decision == "accepted":
            await _accept(session, ctx, staff, app)
        else:
            await _reject(session, ctx, staff, app, reasons)
        await audit(ctx, session, staff, "application.verified", application_id=app.id,
                    detail={"decision": decision, "status": app.status})

    if decision == "accepted":
        # SIKI's re-check of the ownership limits must say yes (asked now if it was not answered yet).
        await eligibility.before_accepting(ctx, staff, application_id)
    return await act(ctx, staff, application_id, step)


async def _accept(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application) -> None:
    check(Action.ACCEPT_APPLICATION, app, staff)
    eligibility.require_eligible(app)
    scheme = await session.get(Scheme, app.jabatan_kerja_code)
    if scheme is None:
        raise Conflict(f"this LSP has no scheme for jabatan kerja {app.jabatan_kerja_code}",
                       errors=[{"field": "jabatan_kerja_code", "message": "no scheme"}])
    now = utcnow()
    actor = staff_actor(ctx, staff)
    app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "accepted", staff.username, now
    app.return_reasons = None
    await apply_step(session, ctx, app, S.ACCEPTED, actor=actor, at=now,
                     note=f"FR.APL.01 direkomendasikan diterima; ditandatangani oleh {staff.username}",
                     extra={"apl01": {"recommendation": "accepted", "signed_by": staff.username,
                                      "signed_at": now.isoformat()}})
    await issue_invoice(session, ctx, app, scheme, actor=actor, at=now)


async def _reject(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application,
                  reasons: list[str] | None) -> None:
    check(Action.REJECT_APPLICATION, app, staff)
    cleaned = require_reasons(reasons, "when the application is not accepted")
    now = utcnow()
    app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "rejected", staff.username, now
    app.return_reasons = cleaned
    await apply_step(session, ctx, app, S.RETURNED, actor=staff_actor(ctx, staff), at=now, reasons=cleaned,
                     note=f"FR.APL.01 direkomendasikan tidak diterima; ditandatangani oleh {staff.username}",
                     extra={"apl01": {"recommendation": "rejected", "signed_by": staff.username,
                                      "signed_at": now.isoformat()}})
