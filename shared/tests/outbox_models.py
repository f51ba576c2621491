"""An outbox and an inbox table on a declarative base of their own, for the tests of the shared
machinery that needs a service's tables (the relay, the bus, the runtime)."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.database import NAMING_CONVENTION
from shared.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass
