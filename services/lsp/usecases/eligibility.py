"""The LSP re-checks the ownership limits through SIKI (SPEC section 8; issue 11, "the LSP never
re-checks").

On receipt of ``application.submitted`` / ``application.resubmitted``, once the webhook's effect
committed and its answer was sent (``inbound.receive_webhook``: SIKI's delivery does not wait for
the call back), the LSP asks SIKI's ``check_application_eligibility`` and keeps the answer on the
application (``eligibility``: eligible, SIKI's reasons, when, for which submission). If SIKI
does not answer at once the webhook still succeeds (it is not lost, nor failed for SIKI to
retry): the application stays unchecked and is checked before anyone accepts it. Accepting
(``verify_application``, ``accepted``) is refused while SIKI says the applicant is not eligible
(409 naming SIKI's reasons) or cannot say (503); returning the application stays possible.

The scheme's own requirements (education, years of the right kind of experience) are checked
here too (``requirements_now``): the pre-check stored on receipt is for the admin to read, the
acceptance checks again as of today (``usecases/verification.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select, update

from services.lsp.db.models import Application, Scheme
from services.lsp.domain.experience import ExperienceKinds
from services.lsp.domain.machine import Action
from services.lsp.domain.precheck import PrecheckResult, run_precheck
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.queries import may_see
from services.lsp.usecases.staff import StaffPrincipal
from services.lsp.usecases.steps import check, load_application
from shared.bus.envelope import utcnow
from shared.database import read_session
from shared.exceptions import Conflict, Unavailable
from shared.logging import get_logger

log = get_logger(__name__)

# The webhooks after which the LSP asks SIKI.
RECHECKED_ON = frozenset({"application.submitted", "application.resubmitted"})


class NotEligible(Conflict):
    """SIKI's re-check says the applicant may not hold this application now: 409, SIKI's reasons."""

    def __init__(self, reasons: list[str]) -> None:
        shown = reasons or ["SIKI found the applicant not eligible"]
        super().__init__("cannot accept: SIKI's re-check of the ownership limits refused this application: "
                         + "; ".join(shown),
                         errors=[{"field": "eligibility", "message": r} for r in shown], reasons=shown)


def current(app: Application) -> dict[str, Any] | None:
    """The stored check if it is for the application's current submission, else None."""
    found = app.eligibility
    if found is None or found.get("submission_no") != app.submission_no:
        return None
    return found


async def recheck(ctx: LspContext, application_id: str) -> dict[str, Any] | None:
    """Ask SIKI now and keep its answer for the application's current submission; None when
    SIKI did not answer (nothing stored then). A re-check of the application already running in
    this process (the one after its receipt) is joined, not repeated."""
    running = ctx.rechecks.get(application_id)
    if running is None:
        running = ctx.rechecks[application_id] = asyncio.ensure_future(_ask_and_keep(ctx, application_id))
        # Only this check's own entry goes (nothing else can replace it while it runs).
        running.add_done_callback(lambda _: ctx.rechecks.pop(application_id, None))
    # Shielded: a caller that goes away (a client's disconnect) does not cancel the others' answer.
    return await asyncio.shield(running)


async def _ask_and_keep(ctx: LspContext, application_id: str) -> dict[str, Any] | None:
    async with read_session(ctx.sessions) as session:
        submission_no = (await session.execute(
            select(Application.submission_no).where(Application.id == application_id))).scalar_one_or_none()
    if submission_no is None:
        return None
    try:
        answer = await ctx.siki.check_eligibility(application_id)
    except Exception as exc:  # unreachable, refused, or not the contract's: checked again later
        log.warning("eligibility re-check at SIKI not answered; will check before acceptance",
                    application_id=application_id, error=repr(exc))
        return None
    result = {"eligible": answer.eligible, "reasons": list(answer.reasons), "checked_at": utcnow().isoformat(),
              "submission_no": submission_no}
    async with ctx.sessions() as session, session.begin():
        # A plain UPDATE (no version bump): staff steps running meanwhile are not made to fail;
        # an answer for an older submission than the one stored now is dropped.
        await session.execute(update(Application)
                              .where(Application.id == application_id, Application.submission_no == submission_no)
                              .values(eligibility=result))
    if not answer.eligible:
        log.info("SIKI's re-check: not eligible", application_id=application_id, reasons=answer.reasons)
    return result


async def before_accepting(ctx: LspContext, staff: StaffPrincipal, application_id: str) -> None:
    """Make sure the application was re-checked for its current submission before an acceptance
    (SIKI asked now if it was not). Refusals of role and state come first, as for the action."""
    async with read_session(ctx.sessions) as session:
        app = await load_application(session, application_id)
        await may_see(session, staff, app)
        check(Action.ACCEPT_APPLICATION, app, staff)
        if current(app) is not None:
            return
    if await recheck(ctx, application_id) is None:
        raise Unavailable("SIKI could not re-check the ownership limits now; nothing was changed, try again later",
                          errors=[{"field": "eligibility", "message": "not checked at SIKI yet"}],
                          headers={"Retry-After": "30"})


def require_eligible(app: Application) -> None:
    """In the acceptance's transaction: refuse unless SIKI's check for this submission is positive."""
    found = current(app)
    if found is None:
        raise Conflict("the application changed meanwhile and was not re-checked at SIKI; try again",
                       errors=[{"field": "eligibility", "message": "not checked for this submission"}])
    if not found.get("eligible"):
        raise NotEligible([str(r) for r in found.get("reasons") or []])


def experience_kinds(ctx: LspContext) -> ExperienceKinds:
    """The kinds of experience that count, as this LSP configured them."""
    return ExperienceKinds(aliases=ctx.settings.experience_kind_aliases, by_kualifikasi=ctx.settings.experience_kinds)


def requirements_now(ctx: LspContext, app: Application, scheme: Scheme) -> PrecheckResult:
    """The scheme's requirements checked against the application today: a job without an end
    date counts up to today."""
    options = list((scheme.requirements or {}).get(str(app.jenjang), []))
    return run_precheck(jenjang=app.jenjang, kualifikasi=app.kualifikasi, options=options, sections=app.sections,
                        education_rank=ctx.reference.education_rank, as_of=ctx.local_date(),
                        kinds=experience_kinds(ctx))
