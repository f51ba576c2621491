"""Tables of the issuance steps (in the LSP's database)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.lsp.db.models import Base


class Issuance(Base):
    """How far an application's issuance has come; each step fills its columns in the same
    transaction as its timeline step, so a restart resumes at the first empty one."""

    __tablename__ = "issuance"
    # The resume sweep's unfinished issuances (no certificate yet), found by ``pdf_sha256 IS NULL``.
    __table_args__ = (Index("ix_issuance_pdf_sha256", "pdf_sha256"),)

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Step 1, BNSP.
    # Not unique: a change (perubahan) keeps the SKK number of the certificate it replaces.
    skk_number: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    registration_number: Mapped[str | None] = mapped_column(String(80), nullable=True)
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    numbered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Step 2, LPJK.
    recording_number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    qr_payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    verification_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Step 3, the signed e-certificate.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    certificate_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
