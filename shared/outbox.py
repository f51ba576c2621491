"""The transactional outbox and the idempotent consumer's inbox.

A service's state change and the events it causes are written in one transaction
(:func:`add_event`); the relay (``shared/outbox_relay.py``) publishes committed rows in order and
marks them.
If the broker is down the rows wait; nothing is published for a transaction that rolled back.

On the consuming side ``shared.inbox.handle_once`` records the event id in the inbox (its table:
:class:`InboxMixin`) in the same transaction as the handler's effect, so a redelivered event
takes effect once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    String,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.bus.envelope import EventEnvelope, utcnow
from shared.crypto import EncryptedJSON
from shared.logging import get_correlation_id


class OutboxMixin:
    """Mix into a service's declarative base: ``class OutboxEvent(OutboxMixin, Base): pass``."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(100), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    correlation_id: Mapped[str] = mapped_column(String(64), nullable=False)
    application_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    publish_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def envelope(self) -> EventEnvelope:
        return EventEnvelope(
            id=self.event_id,
            type=self.type,
            version=self.version,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            application_id=self.application_id,
            source=self.source,
            payload=self.payload,
        )


class SealedOutboxMixin(OutboxMixin):
    """:class:`OutboxMixin` with the payload stored sealed (shared/crypto.py): some events carry
    personal data (an email's recipient and text, an applicant's email address, a NIK), which
    every service keeps encrypted at rest. The relay reads it back in clear as any column of the
    service's engine, whose data keys the service attached at start-up."""

    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("outbox.payload"), nullable=False)


class InboxMixin:
    """Mix into a service's declarative base: ``class InboxEntry(InboxMixin, Base): pass``."""

    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consumer: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100), nullable=False)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


WAKE_KEY = "skk_outbox_dirty"  # set on a session that staged an event: its commit wakes the relay


def add_event(
    session: AsyncSession,
    model: type[OutboxMixin],
    type_: str,
    payload: dict[str, Any],
    *,
    application_id: str | None = None,
    source: str = "",
    version: int = 1,
    correlation_id: str | None = None,
) -> EventEnvelope:
    """Stage an event in the caller's transaction; it is published only if that commits."""
    env = EventEnvelope(
        type=type_,
        version=version,
        correlation_id=correlation_id or get_correlation_id(),
        application_id=application_id,
        source=source,
        payload=payload,
        occurred_at=utcnow(),
    )
    row = model(  # type: ignore[call-arg]
        event_id=env.id,
        type=env.type,
        version=env.version,
        occurred_at=env.occurred_at,
        correlation_id=env.correlation_id,
        application_id=env.application_id,
        source=env.source,
        payload=to_jsonable_python(payload),
        publish_attempts=0,
    )
    session.add(row)
    session.info[WAKE_KEY] = True
    return env


