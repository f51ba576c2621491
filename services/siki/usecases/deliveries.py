"""Webhook deliveries: the one writer of a delivery (with its request to the bus), one attempt
at sending it (retried by the bus, dead-lettered past the bound) and an operator's redelivery."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications, deliveries
from services.siki.db.common import AnyRow
from services.siki.domain.webhook_urls import WebhookUrlRefused
from services.siki.domain.webhooks import (
    DELIVERY_DELIVERED,
    DELIVERY_PENDING,
    NOT_TO_SEND,
    REDELIVERABLE,
    after_attempt,
    signed_headers,
    signing_secrets,
    submission_key,
    webhook_body,
    withdrawal_key,
)
from services.siki.usecases.context import Actor, Emit, SikiContext, utcnow
from services.siki.usecases.queries import delivery_out
from services.siki.usecases.timeline import Timeline
from shared.contracts.events import WebhookRequested
from shared.contracts.siki import WebhookDeliveryOut, WebhookType, WithdrawalWebhookData
from shared.contracts.states import ApplicationStatus
from shared.database import autocommit_read, read_session
from shared.exceptions import Conflict, NotFound
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger

log = get_logger(__name__)
S = ApplicationStatus


class WebhookAttemptFailed(Exception):
    """Raised so that the bus retries the delivery with backoff."""


@dataclass(frozen=True)
class SendResult:
    """What one POST to an LSP's webhook URL gave: whether the LSP acknowledged it, its status
    code and the start of its answer, or the error."""

    ok: bool
    status_code: int | None
    excerpt: str | None
    error: str | None
    duration_ms: int


class WebhookPoster(Protocol):
    async def post(self, url: str, body: str, headers: dict[str, str], addresses: Sequence[str] = ()) -> SendResult:
        """POST to ``url``, connecting to the first of ``addresses`` (already checked) if given."""
        ...

    def attempt_failed(self, lsp_code: str) -> None:
        """Count one failed attempt to ``lsp_code``'s webhook URL (an error, a non-2xx answer or
        a URL refused before sending): operators alert on the rate (deploy/prometheus/)."""
        ...


async def request_delivery(s: AsyncSession, emit: Emit, *, application_id: str, lsp_code: str,
                           type_: WebhookType, data: dict[str, Any], dedupe_key: str, now: datetime) -> str | None:
    """Record a delivery and ask the bus to deliver it, in the caller's transaction; a known
    ``dedupe_key`` adds nothing (None)."""
    delivery_id = str(uuid.uuid4())
    # The request is staged, then taken back to ride in the delivery's statement: inserted only
    # with the delivery (a known ``dedupe_key`` inserts neither).
    emit(s, WebhookRequested(delivery_id=delivery_id), application_id=application_id)
    request = applications.take_last_staged_event(s)
    inserted = await deliveries.insert_delivery(s, {
        "id": delivery_id, "dedupe_key": dedupe_key, "application_id": application_id, "lsp_code": lsp_code,
        "type": type_, "body": webhook_body(type_, data, now), "status": DELIVERY_PENDING, "attempt_count": 0,
        "redeliveries": 0, "created_at": now,
    }, request)
    return delivery_id if inserted else None


async def request_withdrawal_notice(s: AsyncSession, emit: Emit, *, application_id: str, lsp_code: str,
                                    reason: str | None, now: datetime) -> None:
    """The ``application.withdrawn`` webhook to the LSP that has the application (once)."""
    data = WithdrawalWebhookData(application_id=application_id, reason=reason)
    await request_delivery(s, emit, application_id=application_id, lsp_code=lsp_code, type_="application.withdrawn",
                           data=data.model_dump(mode="json"), dedupe_key=withdrawal_key(application_id), now=now)


async def attempt_delivery(ctx: SikiContext, poster: WebhookPoster, delivery_id: str, *, attempt: int,
                           last_attempt: bool) -> None:
    """One attempt at a delivery; raises :class:`WebhookAttemptFailed` so that the bus retries,
    until the last attempt (then the delivery is dead)."""
    # No lock is held while sending; the attempt is recorded under the application's lock.
    async with autocommit_read(ctx.engine) as conn:
        target = await deliveries.to_send(conn, delivery_id)
    if target is None or target.webhook_url is None:
        log.warning("webhook delivery unknown; dropped", delivery_id=delivery_id)
        return
    if target.status in NOT_TO_SEND or target.body is None:  # (a delivered one's body is emptied)
        return
    result = await _send(ctx, poster, target)
    if not result.ok:
        poster.attempt_failed(target.lsp_code)
    async with ctx.app_locks.transaction(ctx.sessions, target.application_id) as s:
        await _record_attempt(ctx, s, delivery_id, result, last_attempt)
    where = {"delivery_id": delivery_id, "application_id": target.application_id, "lsp_code": target.lsp_code}
    if result.ok:
        log.info("webhook delivered", **where, type=target.type, attempt=attempt)
    elif last_attempt:
        log.warning("webhook dead-lettered", **where, attempts=attempt, error=result.error)
    else:
        raise WebhookAttemptFailed(f"delivery {delivery_id} to {target.lsp_code} failed: {result.error}")


async def _send(ctx: SikiContext, poster: WebhookPoster, target: AnyRow) -> SendResult:
    """Check the URL again (its DNS answer may have changed since registration) and post to the
    address just checked, signed with the current secret (and the previous one during a
    rotation's grace period); a refused URL is a failed attempt and nothing is sent."""
    started = time.monotonic()
    try:
        addresses = await ctx.webhook_urls.check(target.webhook_url)
    except WebhookUrlRefused as refused:
        log.warning("webhook URL refused; nothing sent", delivery_id=target.id, lsp_code=target.lsp_code,
                    reason=refused.reason)
        return SendResult(False, None, None, f"webhook URL refused, nothing sent: {refused.reason}",
                          int((time.monotonic() - started) * 1000))
    now = utcnow()
    secrets = signing_secrets(target.webhook_secret, target.previous_webhook_secret, target.previous_secret_until, now)
    return await poster.post(target.webhook_url, target.body, signed_headers(secrets, target.id, target.body, now),
                             addresses)


async def _record_attempt(ctx: SikiContext, s: AsyncSession, delivery_id: str, result: SendResult,
                          last_attempt: bool) -> None:
    current = await deliveries.locked_state(s, delivery_id)
    assert current is not None
    attempt_no = current.attempt_count + 1
    status, forwarded = after_attempt(current.status, current.type, ok=result.ok, last_attempt=last_attempt)
    changes: dict[str, Any] = {"attempt_count": attempt_no}
    if status == DELIVERY_DELIVERED:
        changes.update(status=status, delivered_at=utcnow(), last_error=None, body=None)
    elif status is not None:
        changes.update(status=status, last_error=result.error)
    await deliveries.record_attempt(s, current.id, attempt_no, utcnow(), changes, status_code=result.status_code,
                                    excerpt=result.excerpt, error=None if result.ok else result.error,
                                    duration_ms=result.duration_ms)
    if forwarded:
        await _mark_forwarded(ctx, s, current)


async def _mark_forwarded(ctx: SikiContext, s: AsyncSession, delivery: AnyRow) -> None:
    """The LSP acknowledged a submission's webhook: the application is ``forwarded`` (or, if the
    applicant withdrew it meanwhile, the LSP is told so now)."""
    head = await applications.locked_head(s, delivery.application_id)
    # Only the delivery of the current submission proves that this submission arrived.
    if head is None or delivery.dedupe_key != submission_key(head.id, head.submission_no):
        return
    if head.status == S.WITHDRAWN:
        step = await applications.step(s, head.id, head.last_seq)
        await request_withdrawal_notice(s, ctx.emit, application_id=head.id, lsp_code=head.lsp_code,
                                        reason=step.note if step is not None else None, now=utcnow())
        return
    if head.status != S.SUBMITTED:
        return
    timeline = Timeline.of(head)
    timeline.add(S.FORWARDED, at=utcnow(), actor="SIKI", note=f"delivered to {head.lsp_code} (webhook {delivery.id})")
    await timeline.write(s, ctx.emit)


async def redeliver(ctx: SikiContext, delivery_id: str, *, actor: Actor) -> WebhookDeliveryOut:
    """An operator sends a dead (or failing) delivery again: same ``webhook-id``, a fresh round. Audited."""
    if (notes := replayed()) is not None and notes.get("redelivered") == delivery_id:
        # This very request (same Idempotency-Key) asked for the redelivery in an attempt that died
        # before answering: the delivery as it is now. Checked again, a delivery the redelivery
        # delivered meanwhile would be refused (409), and one that died again redelivered twice.
        async with read_session(ctx.sessions) as s:
            now = await deliveries.summary(s, delivery_id)
        if now is None:
            raise NotFound(f"webhook delivery {delivery_id} not found")
        return delivery_out(now, [])
    async with ctx.sessions() as s, s.begin():
        row = await deliveries.locked_summary(s, delivery_id)
        if row is None:
            raise NotFound(f"webhook delivery {delivery_id} not found")
        if row.status not in REDELIVERABLE:
            raise Conflict(f"only a dead or failed delivery can be redelivered; this one is {row.status}",
                           field="status", current_status=row.status)
        redeliveries = row.redeliveries + 1
        if not await deliveries.update_delivery(s, row.id, {"status": DELIVERY_PENDING, "redeliveries": redeliveries},
                                                only_if_status=REDELIVERABLE):
            # Where the read locks nothing (SQLite), a retry of the bus may have delivered it since
            # (and emptied its body): checked again by the UPDATE itself.
            raise Conflict("the delivery changed meanwhile (a retry may have delivered it); reload it",
                           field="status")
        ctx.emit(s, WebhookRequested(delivery_id=row.id), application_id=row.application_id)
        await ctx.auditor.record(s, actor=actor.name, action="webhook.redelivered", target_type="webhook_delivery",
                                 target_id=row.id, application_id=row.application_id, client=actor.client,
                                 detail={"lsp_code": row.lsp_code, "previous_status": row.status,
                                         "redeliveries": redeliveries})
        remember(redelivered=row.id)
    log.info("webhook redelivery requested", delivery_id=delivery_id, application_id=row.application_id)
    return delivery_out(row, [], status=DELIVERY_PENDING, redeliveries=redeliveries)
