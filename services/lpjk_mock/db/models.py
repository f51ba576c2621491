"""The lpjk service's tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import AuditHeadMixin, AuditMixin
from shared.crypto import BlindIndex, EncryptedJSON, EncryptedText, index_of
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
    """A named sequence, incremented under its row lock. Recording numbers no longer draw from
    it (they are random, domain.numbers); the table stays for the counters already written."""


# The conditions of the partial indexes. A query they serve states its status as a literal (see
# repository.py): PostgreSQL uses a partial index only for a condition it can prove from the
# query's text, which a bound parameter is not once a prepared statement's plan is generic.
CURRENT = "status != 'superseded'"
LISTED = "status IN ('suspended', 'revoked')"


class SkkRecord(Base):
    """One recorded SKK: the register LPJK verifies certificates against."""

    __tablename__ = "skk_record"
    # One current certificate per SKK number: a change (perubahan) records a new certificate under
    # the same SKK number, and the one it replaces is superseded in the same transaction.
    # The status lists read the few certificates suspended or revoked, from their own index.
    __table_args__ = (
        Index("uq_skk_record_current_skk_number", "skk_number", unique=True,
              sqlite_where=text(CURRENT), postgresql_where=text(CURRENT)),
        Index("ix_skk_record_listed_status", "status", "status_list_index",
              sqlite_where=text(LISTED), postgresql_where=text(LISTED)),
    )

    recording_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    skk_number: Mapped[str] = mapped_column(String(64), nullable=False)
    registration_number: Mapped[str] = mapped_column(String(80), nullable=False)
    lsp_code: Mapped[str] = mapped_column(String(40), nullable=False)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    # Encrypted at rest (shared/crypto.py); looked up by its blind index (bind the plain NIK to
    # ``nik_index``), NULL only for a row written before encryption until the start-up sealing.
    nik: Mapped[str] = mapped_column(EncryptedText("skk_record.nik"), nullable=False)
    nik_index: Mapped[str | None] = mapped_column(BlindIndex("nik", source="nik"), nullable=True, index=True,
                                                  default=index_of("nik"))
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    klasifikasi_code: Mapped[str] = mapped_column(String(10), nullable=False)
    subklasifikasi_code: Mapped[str] = mapped_column(String(10), nullable=False)
    kualifikasi: Mapped[str] = mapped_column(String(20), nullable=False)
    jabatan_kerja_code: Mapped[str] = mapped_column(String(20), nullable=False)
    jenjang: Mapped[int] = mapped_column(Integer, nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    # The identity facts of the request (domain.records.IDENTITY_FIELDS), to refuse a repeat
    # that changes them.
    facts: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("skk_record.facts"), nullable=False)  # NIK, name
    qr_payload: Mapped[str] = mapped_column(Text, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Its standing over its life (domain.status): active, suspended, revoked or superseded.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active", server_default="active")
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The seq of the last certificate.status_changed event of this certificate (0: none yet).
    status_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    superseded_by: Mapped[str | None] = mapped_column(String(40), nullable=True)  # recording number
    replaces: Mapped[str | None] = mapped_column(String(40), nullable=True)  # recording number
    # Its bit in the status lists, drawn at random (domain.status.draw_index): herd privacy.
    status_list_index: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)


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
