"""The lpjk service's tables."""

from __future__ import annotations

from shared.database import make_base
from shared.outbox import InboxMixin, OutboxMixin

Base = make_base()


class OutboxEvent(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass
