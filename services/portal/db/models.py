"""The portal service's tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import AuditHeadMixin, AuditMixin
from shared.crypto import EncryptedJSON
from shared.database import NAMING_CONVENTION
from shared.idempotency import IdempotencyKeyMixin
from shared.operators import OperatorMixin
from shared.outbox import InboxMixin, SealedOutboxMixin
from shared.throttle import RateLimitCounterMixin


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OutboxEvent(SealedOutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class User(Base):
    __tablename__ = "users"
    # The retention job's accounts never activated, by registration date. (Not a partial index on
    # the unactivated ones: naming a dialect's options makes SQLAlchemy import that dialect, 0.5 MiB
    # in every process, the other database's included.)
    __table_args__ = (Index("ix_users_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False)
    is_individual: Mapped[bool] = mapped_column(Boolean, nullable=False)
    data_truth_consent: Mapped[bool] = mapped_column(Boolean, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Every access token carries the version it was minted under; logout, a password change or
    # reset bumps it, and tokens of an older version are refused on their next request.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    # The account's documents and their bytes in all, for its quota (db/documents.py): kept by the
    # upload that adds one and the retention job that deletes some.
    document_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    document_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class ActivationToken(Base):
    __tablename__ = "activation_tokens"

    # Only the SHA-256 of the emailed token is kept: a leaked table cannot activate accounts.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    # Indexed both: the retention job deletes the links expired or used before a date.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    # As activation links: only the SHA-256 of the emailed token.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    # Indexed both: the retention job deletes the links expired or used before a date.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class Document(Base):
    """One upload by one user; the bytes live content-addressed on disk (shared by equal uploads)."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    # Indexed: the retention job looks for unreferenced uploads older than a date.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class Application(Base):
    __tablename__ = "applications"
    # No index for the retention pass's abandoned drafts (status and updated_at): it would cost
    # every update of an application its HOT update, more than the hourly pass saves.

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    application_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # perpanjangan / perubahan: the held SKK named, and the application that issued it (its data
    # prefilled this one; usecases/renewals.py).
    previous_skk_number: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    previous_application_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    # Holds the NIK, NPWP and the rest of the applicant's personal data: encrypted at rest.
    sections: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("applications.sections"), nullable=False)
    # Successful submissions so far (1 after the first, +1 per resubmission after ``returned``).
    submission_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    proofs_sent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    appeals_filed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The last SIKI timeline position applied (StatusChanged.seq): older events are ignored.
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lsp_code: Mapped[str | None] = mapped_column(String(50), nullable=True)
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Indexed: the retention job keeps a stored file an issued certificate still needs.
    certificate_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The command being sent to SIKI (usecases/in_flight.py), until SIKI's answer is recorded.
    in_flight: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("applications.in_flight"), nullable=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ApplicationFormCopy(Base):
    """The last FR.APL.01 / FR.APL.02 fetched from SIKI for an application (``usecases/forms.py``):
    the bytes are in the document store under ``sha256``; served when SIKI is unreachable."""

    __tablename__ = "application_form_copies"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    form: Mapped[str] = mapped_column(String(8), primary_key=True)  # "apl01" / "apl02"
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class DocumentReference(Base):
    """A document an application names: in a section (``section``) or as a payment proof
    (``payment_proof``). What an LSP may fetch is looked up here, not in the sections' JSON."""

    __tablename__ = "document_references"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)


class TimelineEntry(Base):
    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(30), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # SIKI's seq once SIKI confirmed the step; None for a step the portal recorded first.
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    # Indexed: the retention job deletes an abandoned draft's notifications.
    application_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class NikBinding(Base):
    """A NIK belongs to at most one account (SPEC section 8). Keyed by the NIK's HMAC under
    ``nik_binding_secret``, never the NIK: the primary key is what lets one account win a race."""

    __tablename__ = "nik_bindings"

    nik_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Set once the binding may no longer be released by the account (a submission to SIKI with
    # this NIK, or an operator's rebind); until then it goes when no draft of the account names it.
    fixed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NikBindingAudit(Base):
    """Every operator rebind: who, when, from which account to which, on what identity check."""

    __tablename__ = "nik_binding_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    operator_name: Mapped[str] = mapped_column(String(100), nullable=False)
    nik_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    nik_masked: Mapped[str] = mapped_column(String(16), nullable=False)
    previous_user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    user_id: Mapped[str] = mapped_column(String(36), nullable=False)
    identity_check_reference: Mapped[str] = mapped_column(String(200), nullable=False)


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


class ExpiryReminder(Base):
    """An expiry reminder sent for a certificate (the application that issued it) at one
    threshold (90, 30 days...): written in the transaction that stages the email, and unique,
    so a second sweep (a retry, another replica) can never send the same reminder twice."""

    __tablename__ = "expiry_reminders"
    __table_args__ = (UniqueConstraint("application_id", "threshold_days"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False)
    threshold_days: Mapped[int] = mapped_column(Integer, nullable=False)
    skk_number: Mapped[str] = mapped_column(String(64), nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    # The WIB day the sweep ran as (``as_of`` in dev), and when the row was written.
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
