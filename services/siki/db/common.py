"""What the data access modules share: the tables for plain Core statements (no ORM unit of
work on the hot paths) and the reading of stored times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import Row, Table

from services.siki.db.models import (
    Application,
    ApplicationForm,
    OutboxEvent,
    StatusReportRecord,
    StoredDocument,
    TimelineEntry,
    WebhookAttempt,
    WebhookDelivery,
)

APPLICATIONS = cast(Table, Application.__table__)
TIMELINE = cast(Table, TimelineEntry.__table__)
DELIVERIES = cast(Table, WebhookDelivery.__table__)
REPORTS = cast(Table, StatusReportRecord.__table__)
ATTEMPTS = cast(Table, WebhookAttempt.__table__)
OUTBOX = cast(Table, OutboxEvent.__table__)
DOCUMENTS = cast(Table, StoredDocument.__table__)
FORMS = cast(Table, ApplicationForm.__table__)

# A row of selected columns (read by name).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC
    (and a naive time from a caller is taken as UTC too)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)
