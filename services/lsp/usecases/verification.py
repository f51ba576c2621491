"""``verify_application``: the admin checks FR.APL.01 and accepts the application (which issues
the invoice at once; only while SIKI's re-check of the ownership limits says the applicant is
eligible, ``usecases/eligibility.py``) or returns it to the applicant with reasons.

A renewal (perpanjangan) by an Ahli is accepted only with enough PKB credits and their document
(``domain/pkb.py``). A change (perubahan) is accepted without an invoice: it waits in ``accepted``
for the komite (``decisions.py``), and the scheme's requirements are not examined again.

An application that does not meet the scheme's requirements (education, years of the right kind
of experience; ``domain/requirements.py``) is accepted only with the admin's ``override_reason``,
which the acceptance's timeline note (so SIKI and the applicant) and the audit log carry."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Scheme
from services.lsp.domain.machine import Action
from services.lsp.domain.pkb import pkb_minimum, pkb_problems
from services.lsp.domain.requirements import (
    Shortfall,
    clean_override_reason,
    override_note,
    override_reason_problem,
    refusal_detail,
    shortfalls,
)
from services.lsp.usecases import eligibility, forms
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.payments import issue_invoice
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import act, apply_step, check, require_reasons, staff_actor
from shared.bus.envelope import utcnow
from shared.contracts.kinds import CHANGE
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import Conflict, Invalid


async def verify_application(ctx: LspContext, staff: StaffPrincipal, application_id: str,
                             decision: Literal["accepted", "rejected"], reasons: list[str] | None,
                             override_reason: str | None = None) -> dict[str, Any]:
    problem = override_reason_problem(override_reason)
    if problem is not None:
        raise Invalid.field("override_reason", f"override_reason {problem}")
    override = clean_override_reason(override_reason)
    if override is not None and decision != "accepted":
        raise Invalid.field("override_reason", "override_reason is only for accepting an application that does "
                                               "not meet the scheme's requirements")

    async def step(session: AsyncSession, app: Application) -> None:
        detail: dict[str, Any] = {"decision": decision}
        if decision == "accepted":
            unmet = await _accept(session, ctx, staff, app, override)
            if unmet:  # the admin's own words: the audit log keeps why the rule was set aside
                detail["override"] = {"reason": override, "unmet": [s.requirement for s in unmet]}
        else:
            await _reject(session, ctx, staff, app, reasons)
        await audit(ctx, session, staff, "application.verified", application_id=app.id,
                    detail={**detail, "status": app.status})

    async def before() -> None:
        # SIKI's re-check of the ownership limits must say yes (asked now if it was not answered yet).
        await eligibility.before_accepting(ctx, staff, application_id)

    return await act(ctx, staff, application_id, step, before=before if decision == "accepted" else None)


class RequirementsNotMet(Conflict):
    """409: the scheme's requirements are not met and no override reason was given."""

    def __init__(self, found: list[Shortfall]) -> None:
        errors = [{"field": f"requirements.{s.requirement}", "message": s.message} for s in found]
        errors.append({"field": "override_reason",
                       "message": "required to accept an application that does not meet the scheme's requirements"})
        super().__init__(refusal_detail(found), errors=errors, unmet=[s.requirement for s in found])


async def _accept(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application,
                  override: str | None) -> list[Shortfall]:
    """Accept and invoice; the requirements not met (overridden), if any."""
    check(Action.ACCEPT_APPLICATION, app, staff)
    eligibility.require_eligible(app)
    require_pkb(ctx, app)
    scheme = await session.get(Scheme, app.jabatan_kerja_code)
    if scheme is None:
        raise Conflict(f"this LSP has no scheme for jabatan kerja {app.jabatan_kerja_code}",
                       errors=[{"field": "jabatan_kerja_code", "message": "no scheme"}])
    change = app.application_kind == CHANGE
    checked = eligibility.requirements_now(ctx, app, scheme)
    # A change corrects the holder's data on an SKK already earned: the scheme's requirements
    # (education, experience) were met for it and are not examined again.
    unmet = [] if change else shortfalls(checked)
    if unmet and override is None:
        raise RequirementsNotMet(unmet)
    now = utcnow()
    actor = staff_actor(ctx, staff)
    app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "accepted", staff.username, now
    app.return_reasons = None
    # What the acceptance relied on: the check as of today (the stored one was as of receipt).
    app.precheck = {**checked.as_dict(), "checked_at": now.isoformat()}
    note = f"FR.APL.01 direkomendasikan diterima; ditandatangani oleh {staff.username}"
    extra: dict[str, Any] = {"apl01": {"recommendation": "accepted", "signed_by": staff.username,
                                       "signed_at": now.isoformat()}}
    if unmet:
        assert override is not None
        app.requirements_override = {"reason": override, "by": staff.username, "at": now.isoformat(),
                                     "unmet": [s.as_dict() for s in unmet]}
        note = f"{note}. {override_note(unmet, override)}"
        extra["requirements_override"] = app.requirements_override
    # The signed FR.APL.01 travels with the step's report.
    await apply_step(session, ctx, app, S.ACCEPTED, actor=actor, at=now, note=note, extra=extra,
                     forms=await forms.report_forms(session, ctx, app))
    if not change:  # a change costs nothing: it waits in ``accepted`` for the komite
        await issue_invoice(session, ctx, app, scheme, actor=actor, at=now)
    return unmet


def require_pkb(ctx: LspContext, app: Application) -> None:
    """An Ahli renewal shows enough PKB credits and their ``pkb`` document: refused (422 naming
    ``pkb_credits`` / ``documents``, nothing changes) otherwise; the admin returns it instead."""
    problems = pkb_problems(app.application_kind, app.kualifikasi, app.jenjang, app.pkb_credits,
                            [str(d.get("kind")) for d in app.documents or []], ctx.settings.pkb_minimum_table)
    if problems:
        raise Invalid.fields([{"field": p.field, "message": p.message} for p in problems],
                             detail="the renewal's PKB does not allow acceptance; return it to the applicant "
                                    "with the reasons: " + "; ".join(p.pesan for p in problems),
                             pkb_minimum=pkb_minimum(app.application_kind, app.kualifikasi, app.jenjang,
                                                     ctx.settings.pkb_minimum_table))


async def _reject(session: AsyncSession, ctx: LspContext, staff: StaffPrincipal, app: Application,
                  reasons: list[str] | None) -> None:
    check(Action.REJECT_APPLICATION, app, staff)
    cleaned = require_reasons(reasons, "when the application is not accepted")
    now = utcnow()
    app.apl01_recommendation, app.apl01_signed_by, app.apl01_signed_at = "rejected", staff.username, now
    app.return_reasons = cleaned
    # The signed FR.APL.01 travels with the step's report.
    await apply_step(session, ctx, app, S.RETURNED, actor=staff_actor(ctx, staff), at=now, reasons=cleaned,
                     note=f"FR.APL.01 direkomendasikan tidak diterima; ditandatangani oleh {staff.username}",
                     extra={"apl01": {"recommendation": "rejected", "signed_by": staff.username,
                                      "signed_at": now.isoformat()}},
                     forms=await forms.report_forms(session, ctx, app))
