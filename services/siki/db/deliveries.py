"""Webhook deliveries and their attempts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import ATTEMPTS, DELIVERIES, OUTBOX, AnyRow
from services.siki.db.models import Lsp, WebhookDelivery
from shared.dialects import session_insert
from shared.direct_sql import first_row

# The delivery and its LSP's webhook credentials in one read.
_TO_SEND = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.lsp_code, WebhookDelivery.type,
           WebhookDelivery.body, WebhookDelivery.status, Lsp.webhook_url, Lsp.webhook_secret,
           Lsp.previous_webhook_secret, Lsp.previous_secret_until)
    .select_from(WebhookDelivery)
    .outerjoin(Lsp, Lsp.code == WebhookDelivery.lsp_code)
    .where(WebhookDelivery.id == bindparam("delivery_id"))
)
# The delivery's state (not its body), locked.
_STATE = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.type, WebhookDelivery.status,
           WebhookDelivery.attempt_count, WebhookDelivery.dedupe_key)
    .where(WebhookDelivery.id == bindparam("delivery_id")).with_for_update()
)
# What an operator's redelivery answers (the delivery without its body), locked.
_SUMMARY = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.lsp_code, WebhookDelivery.type,
           WebhookDelivery.status, WebhookDelivery.attempt_count, WebhookDelivery.redeliveries,
           WebhookDelivery.last_error, WebhookDelivery.created_at, WebhookDelivery.delivered_at)
    .where(WebhookDelivery.id == bindparam("delivery_id")).with_for_update()
)


async def insert_delivery(s: AsyncSession, values: dict[str, Any], request: dict[str, Any] | None = None) -> bool:
    """Insert a delivery unless one with its ``dedupe_key`` exists, and then only its outbox row
    ``request`` (the bus's request to deliver it); True if inserted. One statement on PostgreSQL:
    the outbox row is selected from the delivery's insert (a data-modifying CTE), so a known
    ``dedupe_key`` inserts neither; before, the request was flushed at commit, a round trip more."""
    postgres = s.get_bind().dialect.name == "postgresql"
    delivery = (session_insert(s)(DELIVERIES).values(**values)
                .on_conflict_do_nothing().returning(DELIVERIES.c.id))
    if not request or not postgres:  # (SQLite: two statements, the second only if inserted)
        inserted = (await s.execute(delivery)).first() is not None
        if inserted and request is not None:
            await s.execute(insert(OUTBOX).values(**request))
        return inserted
    inserted_delivery = delivery.cte("delivery")
    row = select(*(literal(value, OUTBOX.c[key].type).label(key) for key, value in request.items()))
    requested = (insert(OUTBOX).from_select(list(request), row.select_from(inserted_delivery))
                 .add_cte(inserted_delivery).returning(OUTBOX.c.seq))
    return (await s.execute(requested)).first() is not None


async def to_send(conn: AsyncConnection, delivery_id: str) -> AnyRow | None:
    return await first_row(conn, _TO_SEND, {"delivery_id": delivery_id})


async def locked_state(s: AsyncSession, delivery_id: str) -> AnyRow | None:
    return (await s.execute(_STATE, {"delivery_id": delivery_id})).first()


async def locked_summary(s: AsyncSession, delivery_id: str) -> AnyRow | None:
    return (await s.execute(_SUMMARY, {"delivery_id": delivery_id})).first()


async def record_attempt(s: AsyncSession, delivery_id: str, attempt_no: int, at: datetime, changes: dict[str, Any],
                         *, status_code: int | None, excerpt: str | None, error: str | None,
                         duration_ms: int) -> None:
    """Log the attempt and apply ``changes`` to the delivery: one statement on PostgreSQL (a
    data-modifying CTE runs whether or not referenced), two round trips before."""
    logged = insert(ATTEMPTS).values(
        delivery_id=delivery_id, attempt_no=attempt_no, at=at, status_code=status_code, response_excerpt=excerpt,
        error=error, duration_ms=duration_ms)
    changed = update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(**changes)
    if s.get_bind().dialect.name != "postgresql":  # SQLite has no data-modifying CTE
        await s.execute(logged)
        await s.execute(changed)
        return
    await s.execute(changed.add_cte(logged.cte("attempt")))


async def update_delivery(s: AsyncSession, delivery_id: str, changes: dict[str, Any], *,
                          only_if_status: Collection[str] | None = None) -> bool:
    """Apply ``changes``; with ``only_if_status``, only while the delivery's status is one of
    those (checked by the UPDATE itself). True if the row changed."""
    changed = update(DELIVERIES).where(DELIVERIES.c.id == delivery_id)
    if only_if_status is not None:
        changed = changed.where(DELIVERIES.c.status.in_(sorted(only_if_status)))
    return bool((await s.execute(changed.values(**changes))).rowcount)  # type: ignore[attr-defined]
