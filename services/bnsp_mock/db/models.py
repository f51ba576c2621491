"""The bnsp service's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import AuditHeadMixin, AuditMixin
from shared.crypto import EncryptedJSON
from shared.database import NAMING_CONVENTION
from shared.idempotency import IdempotencyKeyMixin
from shared.operators import OperatorMixin
from shared.outbox import InboxMixin, SealedOutboxMixin
from shared.sequences import CounterMixin
from shared.throttle import RateLimitCounterMixin


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OutboxEvent(SealedOutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class NumberCounter(CounterMixin, Base):
    """A named sequence (``skk:2026``); incremented under its row lock, so two concurrent
    issuances never draw the same value."""


class Issuance(Base):
    """One issuance plan an LSP sent, with the numbers BNSP gave it."""

    __tablename__ = "issuance"
    __table_args__ = (UniqueConstraint("lsp_code", "application_id", name="uq_issuance_lsp_application"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lsp_code: Mapped[str] = mapped_column(String(40), nullable=False)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # Not unique: a change (perubahan) is a new issuance that keeps the SKK number it changes.
    skk_number: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    registration_number: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    # The identity facts of the plan (domain.numbers.IDENTITY_FIELDS), to refuse a repeat that
    # changes them. Encrypted at rest (shared/crypto.py): they hold the NIK and the name.
    facts: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("issuance.facts"), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AuditEntry(AuditMixin, Base):
    pass


class AuditHead(AuditHeadMixin, Base):
    pass


class RateLimitCounter(RateLimitCounterMixin, Base):
    pass


class Operator(OperatorMixin, Base):
    """A person who operates this service (created by ``create-operator``; shared/operators.py)."""


class IdempotencyKey(IdempotencyKeyMixin, Base):
    """A client's ``Idempotency-Key`` and the answer it got (shared/idempotency.py)."""
