"""The applicant's steps that the portal relays (a proof of payment, an appeal) or reports on
the bus (the first download of the e-certificate completes the application)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications
from services.siki.db.common import AnyRow, aware
from services.siki.domain.flow import check_transition
from services.siki.domain.limits import AppealWindowClosed
from services.siki.domain.webhooks import appeal_key, completion_key, payment_proof_key
from services.siki.usecases.context import SikiContext, utcnow
from services.siki.usecases.deliveries import request_delivery
from services.siki.usecases.timeline import Timeline
from shared.contracts.events import CertificateDownloaded
from shared.contracts.siki import (
    AppealSubmission,
    AppealWebhookData,
    CompletionWebhookData,
    Invoice,
    PaymentProofSubmission,
    PaymentProofWebhookData,
    SubmissionAccepted,
)
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.deadlines import PaymentOverdue, payment_late
from shared.exceptions import NotFound
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger

log = get_logger(__name__)
S = ApplicationStatus


async def _locked(s: AsyncSession, application_id: str) -> AnyRow:
    head = await applications.locked_head(s, application_id)
    if head is None:
        raise NotFound(f"application {application_id} not found")
    return head


async def upload_payment_proof(ctx: SikiContext, application_id: str,
                               proof: PaymentProofSubmission) -> SubmissionAccepted:
    """``payment_uploaded`` and the proof's webhook; a proof number seen before changes nothing."""
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        head = await _locked(s, application_id)
        if proof.proof_no <= head.last_proof_no:
            return SubmissionAccepted(id=head.id, status=S(head.status), lsp_code=head.lsp_code)
        check_transition(S(head.status), S.PAYMENT_UPLOADED)
        _check_payment_deadline(head.invoice, utcnow())
        timeline = Timeline.of(head)
        timeline.add(S.PAYMENT_UPLOADED, at=proof.uploaded_at, actor="applicant",
                     note=f"proof of payment #{proof.proof_no}")
        await timeline.write(s, ctx.emit, last_proof_no=proof.proof_no)
        data = PaymentProofWebhookData(application_id=head.id, proof_no=proof.proof_no, document=proof.document,
                                       uploaded_at=proof.uploaded_at)
        await request_delivery(s, ctx.emit, application_id=head.id, lsp_code=head.lsp_code,
                               type_="payment.proof_uploaded", data=data.model_dump(mode="json"),
                               dedupe_key=payment_proof_key(head.id, proof.proof_no), now=utcnow())
        return SubmissionAccepted(id=head.id, status=S.PAYMENT_UPLOADED, lsp_code=head.lsp_code)


def _check_payment_deadline(invoice: dict[str, Any] | None, now: datetime) -> None:
    """A proof after the invoice's due date (the end of that day, WIB, by SIKI's clock) is
    refused before anything is written; the LSP's sweep then cancels the application."""
    due = Invoice.model_validate(invoice).due_date if invoice else None
    if due is not None and payment_late(due, now):
        raise PaymentOverdue(due)


async def file_appeal(ctx: SikiContext, application_id: str, appeal: AppealSubmission) -> SubmissionAccepted:
    """``appealed`` and the appeal's webhook; the same appeal again changes nothing."""
    if (notes := replayed()) is not None and notes.get("appealed") == application_id:
        # This very request (same Idempotency-Key) filed the appeal in an attempt that died before
        # answering: the application as it is now, without checking again. The LSP may have
        # decided the appeal meanwhile, and the state check would refuse an appeal that was filed.
        return await _as_now(ctx, application_id)
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        head = await _locked(s, application_id)
        if head.status == S.APPEALED and head.appeal_reason == appeal.reason:
            return SubmissionAccepted(id=head.id, status=S.APPEALED, lsp_code=head.lsp_code)
        check_transition(S(head.status), S.APPEALED)
        await _check_appeal_window(ctx, s, head)
        timeline = Timeline.of(head)
        timeline.add(S.APPEALED, at=appeal.filed_at, actor="applicant", note=appeal.reason)
        await timeline.write(s, ctx.emit, appeal_reason=appeal.reason)
        data = AppealWebhookData(application_id=head.id, reason=appeal.reason, filed_at=appeal.filed_at)
        await request_delivery(s, ctx.emit, application_id=head.id, lsp_code=head.lsp_code, type_="appeal.filed",
                               data=data.model_dump(mode="json"), dedupe_key=appeal_key(head.id, timeline.seq),
                               now=utcnow())
        remember(appealed=head.id)
        return SubmissionAccepted(id=head.id, status=S.APPEALED, lsp_code=head.lsp_code)


async def _as_now(ctx: SikiContext, application_id: str) -> SubmissionAccepted:
    async with read_session(ctx.sessions) as s:
        head = await applications.ownership_head(s, application_id)
    if head is None:
        raise NotFound(f"application {application_id} not found")
    return SubmissionAccepted(id=head.id, status=S(head.status), lsp_code=head.lsp_code)


async def _check_appeal_window(ctx: SikiContext, s: AsyncSession, head: AnyRow) -> None:
    """A Belum Kompeten decision (the application's last step) is appealed within its window
    (SIKI's clock): the limits stop counting the application when the window closes, so a later
    appeal would give it back a place it no longer holds."""
    decision = await applications.step(s, head.id, head.last_seq)
    if decision is not None and not ctx.appeal_window.is_open(aware(decision.at), utcnow()):
        raise AppealWindowClosed(ctx.appeal_window.closes_on(aware(decision.at)), ctx.appeal_window.working_days)


async def complete_on_download(ctx: SikiContext, s: AsyncSession, event: CertificateDownloaded) -> None:
    """The first download of the e-certificate completes the application and tells its LSP
    (``application.completed``), in the consumer's transaction; a later download, or one
    before issuance, moves nothing and sends nothing. The consumer holds the application's
    in-process lock (events.py); its advisory lock is taken here, first in the transaction."""
    await ctx.app_locks.lock_in(s, event.application_id)
    head = await applications.locked_head(s, event.application_id)
    if head is None:
        log.warning("certificate downloaded for an unknown application", application_id=event.application_id)
        return
    if head.status != S.CERTIFICATE_ISSUED:
        return
    timeline = Timeline.of(head)
    timeline.add(S.COMPLETED, at=event.at, actor="applicant", note="e-certificate downloaded")
    await timeline.write(s, ctx.emit)
    data = CompletionWebhookData(application_id=head.id, completed_at=event.at,
                                 skk_number=(head.certificate or {}).get("skk_number"))
    await request_delivery(s, ctx.emit, application_id=head.id, lsp_code=head.lsp_code,
                           type_="application.completed", data=data.model_dump(mode="json"),
                           dedupe_key=completion_key(head.id), now=utcnow())
