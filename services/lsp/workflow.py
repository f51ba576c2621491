"""The LSP's workflow steps, shared by its API and its issuance steps.

Other modules of the LSP (``services/lsp/issuance``) call exactly these two functions; keep
their signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.siki import AssessmentInfo, Certificate, Invoice
from shared.contracts.states import ApplicationStatus
from shared.runtime import ServiceRuntime


@dataclass(frozen=True)
class IssuanceFacts:
    """What BNSP, LPJK and the e-certificate need to know of a Kompeten application."""

    application_id: str
    lsp_code: str
    lsp_name: str
    status: ApplicationStatus
    nik: str
    full_name: str
    email: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    decided_at: datetime


async def record_step(
    session: AsyncSession,
    runtime: ServiceRuntime,
    application_id: str,
    status: ApplicationStatus,
    *,
    actor: str,
    note: str | None = None,
    reasons: list[str] | None = None,
    invoice: Invoice | None = None,
    assessment: AssessmentInfo | None = None,
    certificate: Certificate | None = None,
    certificate_pdf_base64: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """In the caller's transaction: check the transition (raise ``Problem`` 409 if not
    allowed), move the application, append to its timeline, and stage the report to SIKI."""
    raise NotImplementedError


async def issuance_facts(session: AsyncSession, application_id: str) -> IssuanceFacts:
    """The facts of an application for issuance (raise ``Problem`` 404 if unknown)."""
    raise NotImplementedError
