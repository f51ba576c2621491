"""withdraw_application: the applicant withdraws before a decision (SPEC section 8); the
application is final at ``withdrawn`` and stops counting for the ownership limits.

The LSP is told (webhook ``application.withdrawn``) only if it has the application: at once when
it was forwarded to it (or an earlier submission was), otherwise right after the submission's own
webhook reaches it (``deliveries``), so that the LSP never hears of a withdrawal before the
application itself.
"""

from __future__ import annotations

from services.siki.db import applications
from services.siki.domain.flow import check_transition
from services.siki.usecases.context import SikiContext, utcnow
from services.siki.usecases.deliveries import request_withdrawal_notice
from services.siki.usecases.timeline import Timeline
from shared.contracts.siki import SubmissionAccepted, WithdrawalSubmission
from shared.contracts.states import ApplicationStatus
from shared.exceptions import NotFound
from shared.logging import get_logger

log = get_logger(__name__)
S = ApplicationStatus


async def withdraw(ctx: SikiContext, application_id: str, body: WithdrawalSubmission) -> SubmissionAccepted:
    """``withdrawn`` (actor ``applicant``); once withdrawn, a repeat answers the same and adds nothing."""
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        head = await applications.locked_head(s, application_id)
        if head is None:
            raise NotFound(f"application {application_id} not found")
        if head.status == S.WITHDRAWN:
            return SubmissionAccepted(id=head.id, status=S.WITHDRAWN, lsp_code=head.lsp_code)
        check_transition(S(head.status), S.WITHDRAWN)
        now = utcnow()
        timeline = Timeline.of(head)
        timeline.add(S.WITHDRAWN, at=now, actor="applicant", note=body.reason)
        await timeline.write(s, ctx.emit)
        # The LSP has it unless this is the first submission, its webhook not yet acknowledged.
        if head.status != S.SUBMITTED or head.submission_no > 1:
            await request_withdrawal_notice(s, ctx.emit, application_id=head.id, lsp_code=head.lsp_code,
                                            reason=body.reason, now=now)
    log.info("application withdrawn", application_id=application_id, lsp_code=head.lsp_code,
             previous_status=head.status)
    return SubmissionAccepted(id=head.id, status=S.WITHDRAWN, lsp_code=head.lsp_code)
