"""The siki service's tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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
from shared.crypto import BlindIndex, EncryptedBytes, EncryptedJSON, EncryptedText, index_of
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


class Lsp(Base):
    """An LSP SIKI routes to: its licence and its webhook credentials."""

    __tablename__ = "lsps"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    webhook_url: Mapped[str] = mapped_column(String(500), nullable=False)
    # SIKI must sign with it (HMAC), so it is kept encrypted (not hashed, like the api key).
    webhook_secret: Mapped[str] = mapped_column(EncryptedText("lsps.webhook_secret"), nullable=False)
    api_key_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    jabatan_kerja_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # After a rotation: the secret SIKI also signs with until ``previous_secret_until`` (grace).
    previous_webhook_secret: Mapped[str | None] = mapped_column(EncryptedText("lsps.previous_webhook_secret"),
                                                                 nullable=True)
    previous_secret_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Encrypted; found by its blind index (bind the plain NIK to ``nik_index``: shared/crypto.py).
    # NULL only for a row written before encryption, until the start-up sealing fills it.
    nik: Mapped[str] = mapped_column(EncryptedText("applications.nik"), nullable=False)
    nik_index: Mapped[str | None] = mapped_column(BlindIndex("nik", source="nik"), nullable=True, index=True,
                                                  default=index_of("nik"))
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    applicant_user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    applicant_email: Mapped[str] = mapped_column(String(320), nullable=False)
    klasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    subklasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    kualifikasi: Mapped[str] = mapped_column(String(32), nullable=False)
    jabatan_kerja_code: Mapped[str] = mapped_column(String(32), nullable=False)
    jenjang: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    # baru / perpanjangan / perubahan (shared/contracts/kinds.py): which steps the LSP may report.
    application_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="baru", server_default="baru")
    # A renewal or a change: the recording number of the held SKK (register row) it replaces;
    # the ownership limits count the two as one SKK, and one such application runs per SKK.
    previous_recording_number: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    submission_no: Mapped[int] = mapped_column(Integer, nullable=False)
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    submission: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("applications.submission"), nullable=False)
    last_proof_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    appeal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    certificate_pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class TimelineEntry(Base):
    __tablename__ = "timeline"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    previous_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class StatusReportRecord(Base):
    """Processed ``report_status`` calls: a retried report id answers the stored answer."""

    __tablename__ = "status_reports"

    report_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    answer: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class WebhookDelivery(Base):
    """One webhook to one LSP; its id is the ``webhook-id`` of every attempt."""

    __tablename__ = "webhook_deliveries"
    # The delivery log, newest first, read a page at a time from this index (queries.deliveries).
    __table_args__ = (Index("ix_webhook_deliveries_created", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # What makes the webhook unique (e.g. ``submission:2``): a retried command adds none.
    dedupe_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    # The submission it carries (NIK, NPWP...): encrypted, and emptied (NULL) once delivered (never
    # sent again then; the register keeps the submission itself).
    body: Mapped[str | None] = mapped_column(EncryptedText("webhook_deliveries.body"), nullable=True)
    # pending -> delivered | failed (retrying) -> delivered | dead; an operator resets to pending.
    status: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    attempt_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    redeliveries: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), nullable=False, index=True)
    attempt_no: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class SkkHeld(Base):
    """The register of SKK per NIK, fed by LPJK's ``skk.recorded`` events."""

    __tablename__ = "skk_register"

    recording_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    nik: Mapped[str] = mapped_column(EncryptedText("skk_register.nik"), nullable=False)
    nik_index: Mapped[str | None] = mapped_column(BlindIndex("nik", source="nik"), nullable=True, index=True,
                                                  default=index_of("nik"))
    skk_number: Mapped[str] = mapped_column(String(64), nullable=False)
    registration_number: Mapped[str] = mapped_column(String(64), nullable=False)
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    klasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    subklasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    kualifikasi: Mapped[str] = mapped_column(String(32), nullable=False)
    jabatan_kerja_code: Mapped[str] = mapped_column(String(32), nullable=False)
    jenjang: Mapped[int] = mapped_column(Integer, nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # status == revoked
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # LPJK's ``certificate.status_changed``: the status and the seq of the last change applied
    # (0: none yet), so that a redelivered or late change is not applied again.
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active", server_default="active")
    status_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    superseded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SkkStatusParked(Base):
    """The newest ``certificate.status_changed`` for an SKK not in the register yet (its
    ``skk.recorded`` is still on its way): applied when the SKK is entered."""

    __tablename__ = "skk_status_parked"

    recording_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    event: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class StoredDocument(Base):
    """Bytes SIKI keeps itself (the e-certificate PDFs), content-addressed."""

    __tablename__ = "documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes] = mapped_column(EncryptedBytes("documents.content"), nullable=False)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class NikBinding(Base):
    """A NIK belongs to one portal account: the first that submitted for it, or the one an
    operator rebound it to after an identity check (``rebind_nik``). The NIK is kept as the
    applications keep it: encrypted, keyed by its blind index (one binding per NIK)."""

    __tablename__ = "nik_bindings"

    nik_index: Mapped[str] = mapped_column(BlindIndex("nik", source="nik"), primary_key=True)
    nik: Mapped[str] = mapped_column(EncryptedText("nik_bindings.nik"), nullable=False)
    account_id: Mapped[str] = mapped_column(String(64), nullable=False)
    bound_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class NikBindingAudit(Base):
    """Every rebinding of a NIK: who, when, from which account to which; the NIK masked only."""

    __tablename__ = "nik_binding_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nik_masked: Mapped[str] = mapped_column(String(16), nullable=False)
    old_account_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    new_account_id: Mapped[str] = mapped_column(String(64), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class RefusedReport(Base):
    """A status report SIKI refused for good (a 4xx from ``report_status`` on an application of
    the reporting LSP): the LSP stops sending it, an operator resolves it (``accepted`` applies
    it now, ``dismissed`` drops it). One row per report id; a repeat counts ``times_refused``."""

    __tablename__ = "refused_reports"
    # The operators' list, newest refusal first, read a page at a time from this index.
    __table_args__ = (Index("ix_refused_reports_refused", "refused_at", "report_id"),)

    report_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    http_status: Mapped[int] = mapped_column(Integer, nullable=False)
    # The report as sent: its note, reasons, certificate and PDF may name the applicant.
    body: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("refused_reports.body"), nullable=False)
    refused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    times_refused: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # open -> accepted | dismissed (an operator's resolution, audited).
    state: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ApplicationForm(Base):
    """The latest FR.APL.01 / FR.APL.02 an LSP sent for an application (``usecases/forms.py``);
    the bytes are a ``StoredDocument`` (encrypted at rest), found by their digest."""

    __tablename__ = "application_forms"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(8), primary_key=True)  # "apl01" / "apl02"
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The submission the form was built from: an unsigned APL-01 never replaces the signed one
    # of the same submission (a late upload from the receipt).
    submission_no: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


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
