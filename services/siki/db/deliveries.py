"""Webhook deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import ATTEMPTS, DELIVERIES, AnyRow
from services.siki.db.models import Lsp, WebhookDelivery

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


async def insert_delivery(s: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a delivery unless one with its ``dedupe_key`` exists (one statement); True if inserted."""
    insert_ = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert_(DELIVERIES).values(**values).on_conflict_do_nothing().returning(DELIVERIES.c.id)
    return (await s.execute(stmt)).first() is not None


async def to_send(conn: AsyncConnection, delivery_id: str) -> AnyRow | None:
    return (await conn.execute(_TO_SEND, {"delivery_id": delivery_id})).first()


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


async def update_delivery(s: AsyncSession, delivery_id: str, changes: dict[str, Any]) -> None:
    await s.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(**changes))
