"""Webhook deliveries and their attempts."""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, Update, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import ATTEMPTS, DELIVERIES, OUTBOX, AnyRow
from services.siki.db.models import Lsp, WebhookDelivery
from shared.dialects import conflict_insert, session_insert
from shared.direct_sql import first_row, first_row_in
from shared.staged_rows import Shaped, bound, execute_with, rows_insert

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
_SEEN = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.lsp_code, WebhookDelivery.type,
           WebhookDelivery.status, WebhookDelivery.attempt_count, WebhookDelivery.redeliveries,
           WebhookDelivery.last_error, WebhookDelivery.created_at, WebhookDelivery.delivered_at)
    .where(WebhookDelivery.id == bindparam("delivery_id"))
)
_SUMMARY = _SEEN.with_for_update()


# Built once per shape (the columns set), the values as parameters: a delivery builds no
# statement (shared/staged_rows.py).
@functools.cache
def _requested(delivery_columns: tuple[str, ...], request_columns: tuple[str, ...]) -> Insert:
    """PostgreSQL: the delivery inserted unless its ``dedupe_key`` is known, and its outbox row
    selected from that insert (a data-modifying CTE), so a known key inserts neither."""
    delivery = (conflict_insert("postgresql")(DELIVERIES)
                .values(bound(DELIVERIES, delivery_columns, "delivery"))
                .on_conflict_do_nothing().returning(DELIVERIES.c.id).cte("delivery"))
    row = select(*(param.label(c) for c, param in bound(OUTBOX, request_columns, "request").items()))
    return (insert(OUTBOX).from_select(list(request_columns), row.select_from(delivery))
            .add_cte(delivery).returning(OUTBOX.c.seq))


@functools.cache
def _changed(columns: tuple[str, ...]) -> Update:
    return (update(DELIVERIES).where(DELIVERIES.c.id == bindparam("delivery_key"))
            .values(bound(DELIVERIES, columns, "set")))


async def insert_delivery(s: AsyncSession, values: dict[str, Any], request: dict[str, Any] | None = None) -> bool:
    """Insert a delivery unless one with its ``dedupe_key`` exists, and then only its outbox row
    ``request`` (the bus's request to deliver it); True if inserted. One statement on PostgreSQL:
    the outbox row is selected from the delivery's insert (a data-modifying CTE), so a known
    ``dedupe_key`` inserts neither; before, the request was flushed at commit, a round trip more."""
    postgres = s.get_bind().dialect.name == "postgresql"
    if not request or not postgres:  # (SQLite: two statements, the second only if inserted)
        delivery = (session_insert(s)(DELIVERIES).values(**values)
                    .on_conflict_do_nothing().returning(DELIVERIES.c.id))
        inserted = (await s.execute(delivery)).first() is not None
        if inserted and request is not None:
            await s.execute(insert(OUTBOX).values(**request))
        return inserted
    delivery_columns, request_columns = tuple(sorted(values)), tuple(sorted(request))
    params = {**{f"delivery_{c}": values[c] for c in delivery_columns},
              **{f"request_{c}": request[c] for c in request_columns}}
    return await first_row_in(s, _requested(delivery_columns, request_columns), params) is not None


async def to_send(conn: AsyncConnection, delivery_id: str) -> AnyRow | None:
    return await first_row(conn, _TO_SEND, {"delivery_id": delivery_id})


async def locked_state(s: AsyncSession, delivery_id: str) -> AnyRow | None:
    return (await s.execute(_STATE, {"delivery_id": delivery_id})).first()


async def locked_summary(s: AsyncSession, delivery_id: str) -> AnyRow | None:
    return (await s.execute(_SUMMARY, {"delivery_id": delivery_id})).first()


async def summary(s: AsyncSession, delivery_id: str) -> AnyRow | None:
    """As :func:`locked_summary`, not locked (a read that decides nothing)."""
    return (await s.execute(_SEEN, {"delivery_id": delivery_id})).first()


async def record_attempt(s: AsyncSession, delivery_id: str, attempt_no: int, at: datetime, changes: dict[str, Any],
                         *, status_code: int | None, excerpt: str | None, error: str | None,
                         duration_ms: int) -> None:
    """Log the attempt and apply ``changes`` to the delivery: one statement on PostgreSQL (a
    data-modifying CTE runs whether or not referenced), two round trips before."""
    logged = rows_insert(ATTEMPTS, [{"delivery_id": delivery_id, "attempt_no": attempt_no, "at": at,
                                     "status_code": status_code, "response_excerpt": excerpt, "error": error,
                                     "duration_ms": duration_ms}])
    columns = tuple(sorted(changes))
    params = {"delivery_key": delivery_id, **{f"set_{c}": changes[c] for c in columns}}
    await execute_with(s, Shaped(_changed(columns), params), [logged])


async def update_delivery(s: AsyncSession, delivery_id: str, changes: dict[str, Any], *,
                          only_if_status: Collection[str] | None = None) -> bool:
    """Apply ``changes``; with ``only_if_status``, only while the delivery's status is one of
    those (checked by the UPDATE itself). True if the row changed."""
    changed = update(DELIVERIES).where(DELIVERIES.c.id == delivery_id)
    if only_if_status is not None:
        changed = changed.where(DELIVERIES.c.status.in_(sorted(only_if_status)))
    return bool((await s.execute(changed.values(**changes))).rowcount)  # type: ignore[attr-defined]
