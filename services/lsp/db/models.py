"""The lsp service's tables (one database per LSP instance)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, MetaData, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import AuditHeadMixin, AuditMixin
from shared.crypto import EncryptedJSON, EncryptedText
from shared.database import NAMING_CONVENTION
from shared.idempotency import IdempotencyKeyMixin
from shared.outbox import InboxMixin, SealedOutboxMixin
from shared.throttle import RateLimitCounterMixin


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OutboxEvent(SealedOutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class Staff(Base):
    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None until the staff member activates the account through the emailed link (staff_admin).
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # A list of "manajer", "admin", "asesor", "komite": one person may hold several.
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Carried by every token issued to this account; raising it (logout, deactivation, a new
    # password) refuses all of them on their next request.
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    # Staff administration (usecases/staff_admin.py); None on accounts made before it.
    full_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, unique=True)
    # The asesor's registration number (nomor registrasi Asesor Kompetensi), for an asesor.
    asesor_registration_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffActivation(Base):
    """An emailed one-time activation link, kept only as the SHA-256 of its token."""

    __tablename__ = "staff_activations"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("staff.username"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Scheme(Base):
    __tablename__ = "schemes"

    jabatan_kerja_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    klasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    subklasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    kualifikasi: Mapped[str] = mapped_column(String(32), nullable=False)
    jenjang: Mapped[list[int]] = mapped_column(JSON, nullable=False)
    # {"7": [{"education_level": "S1", "min_years": 2}, ...]}: any one option suffices.
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    fee: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="IDR")
    skkni: Mapped[str] = mapped_column(String(255), nullable=False)
    units: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class Application(Base):
    __tablename__ = "applications"
    # The staff's list, newest submission first, read a page at a time from this index.
    __table_args__ = (Index("ix_applications_submitted", "submitted_at", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    submission_no: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # This instance's own identity, kept on the row so issuance_facts(session, id) needs no context.
    lsp_code: Mapped[str] = mapped_column(String(32), nullable=False)
    lsp_name: Mapped[str] = mapped_column(String(255), nullable=False)
    applicant_user_id: Mapped[str] = mapped_column(String(64), nullable=False)
    email: Mapped[str] = mapped_column(String(255), nullable=False)
    full_name: Mapped[str] = mapped_column(String(255), nullable=False)
    # Encrypted at rest (shared/crypto.py), as the sections holding it and the NPWP: this LSP
    # never looks an application up by NIK, so no blind index.
    nik: Mapped[str] = mapped_column(EncryptedText("applications.nik"), nullable=False)
    klasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    subklasifikasi_code: Mapped[str] = mapped_column(String(16), nullable=False)
    kualifikasi: Mapped[str] = mapped_column(String(32), nullable=False)
    jabatan_kerja_code: Mapped[str] = mapped_column(String(32), nullable=False)
    jenjang: Mapped[int] = mapped_column(Integer, nullable=False)
    application_kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # perpanjangan / perubahan (shared/contracts/kinds.py): the held SKK as the applicant named it
    # and as SIKI's register knows it (PreviousCertificate, as SIKI sent it); an Ahli renewal's
    # declared PKB credits; a change's fields (CHANGEABLE_FIELDS) and their values on the held
    # certificate when this LSP issued it ({"full_name": ...}; None: issued elsewhere).
    previous_skk_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    previous_certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    pkb_credits: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_fields: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    previous_values: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    tuk_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    sections: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("applications.sections"), nullable=False)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    precheck: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # SIKI's re-check of the ownership limits for this submission (usecases/eligibility.py):
    # {"eligible", "reasons", "checked_at", "submission_no"}; None until SIKI answered.
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # FR.APL.01: the admin's recommendation and signature.
    apl01_recommendation: Mapped[str | None] = mapped_column(String(16), nullable=True)
    apl01_signed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    apl01_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    return_reasons: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    payment_proof_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    payment_proof: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    payment_verified_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payment_reasons: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    certification_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    certification_started_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    appeal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    appeal_filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    appeal_decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    appeal_decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    appeal_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set by the deadline sweep when the appeal was not decided within the LSP's working days
    # (``appeal_decision_working_days``): the manager's list shows it (``flag=appeal_overdue``).
    appeal_overdue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    # The admin accepted although the scheme's requirements were not met (domain/requirements.py):
    # {"reason", "by", "at", "unmet": [{"requirement", "message", "pesan"}]}.
    requirements_override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The last ``certificate.status_changed`` applied (SIKI's webhook, ordered by its ``seq``):
    # {"status", "previous_status", "seq", "reason", "at", "superseded_by"}; None: as issued.
    certificate_status: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Optimistic locking: of two concurrent steps on one application, the second fails
    # (StaleDataError -> 409) instead of both taking effect.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class TimelineEntry(Base):
    __tablename__ = "timeline"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor: Mapped[str] = mapped_column(String(128), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, unique=True)
    number: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)


class Assessment(Base):
    __tablename__ = "assessments"
    # An assessor's bookings of one day (the double-booking check), and all of an assessor's:
    # an LSP has a few assessors, so the assessor alone picks out a large share of every assessment.
    __table_args__ = (Index("ix_assessments_assessor_day", "assessor_username", "scheduled_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    assessor_username: Mapped[str] = mapped_column(String(64), nullable=False)
    tuk_code: Mapped[str] = mapped_column(String(32), nullable=False)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    scheduled_day: Mapped[date] = mapped_column(Date, nullable=False)
    scheduled_by: Mapped[str] = mapped_column(String(64), nullable=False)
    # "assessor|day" while the assessment is active, NULL once reported: a unique column the
    # database itself uses to refuse a double booking that slipped past the check.
    busy_key: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    recommendation: Mapped[str | None] = mapped_column(String(2), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    result: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StatusReportRow(Base):
    """A status report to SIKI, staged in the step's transaction and sent in order."""

    __tablename__ = "status_reports"
    # The reports SIKI refused (list_refused_reports, newest first). Not a partial index on the
    # refused ones: naming a dialect's options makes SQLAlchemy import that dialect, 0.5 MiB in
    # every process, the other database's included.
    __table_args__ = (Index("ix_status_reports_refused", "refused_at", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False)
    # What goes to SIKI (the FR.APL forms and the e-certificate: name, NIK, address, PDFs):
    # sealed, and dropped (NULL) once the report left the queue (sent, dropped or refused).
    payload: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("status_reports.payload"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set when the report will never be sent: the applicant withdrew before SIKI took it (SIKI
    # refuses steps of a withdrawn application); ``last_error`` says so.
    dropped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Set when SIKI refused the report for good (a 4xx such as 409: its state machine does not
    # allow the step); ``last_error`` holds SIKI's answer. Never sent again (SIKI's operators see
    # it in their ``list_refused_reports``); later reports of the application still go out.
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ProcessedWebhook(Base):
    """Webhook ids already processed: a replay is answered 2xx without a second effect."""

    __tablename__ = "processed_webhooks"

    webhook_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    application_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AuditEntry(AuditMixin, Base):
    pass


class AuditHead(AuditHeadMixin, Base):
    pass


class RateLimitCounter(RateLimitCounterMixin, Base):
    pass


class IdempotencyKey(IdempotencyKeyMixin, Base):
    """A client's ``Idempotency-Key`` and the answer it got (shared/idempotency.py)."""
