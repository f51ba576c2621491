"""The bnsp service's tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.database import NAMING_CONVENTION
from shared.outbox import InboxMixin, OutboxMixin
from shared.sequences import CounterMixin


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OutboxEvent(OutboxMixin, Base):
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
    skk_number: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    registration_number: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    # The identity facts of the plan (domain.numbers.IDENTITY_FIELDS), to refuse a repeat that
    # changes them.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
