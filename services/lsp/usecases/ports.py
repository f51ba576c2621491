"""The seam between the workflow and the issuance steps (``services/lsp/issuance``).

Both sides are given their counterpart at composition (``app.py``): the workflow an
:class:`IssuancePort` to hand a Kompeten application over, the issuance steps a
:class:`WorkflowPort` to read an application and record their steps on its timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.events import Event
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus

# Stages a catalogue event in the session's transaction (the outbox): ``runtime.emit``.
Emit = Callable[[AsyncSession, Event], Any]


class IssuancePort(Protocol):
    def request(self, session: AsyncSession, application_id: str) -> None:
        """Ask for the issuance of a Kompeten application, in the caller's transaction."""


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
    # perpanjangan / perubahan: the held SKK (SIKI's register's word): its number, the recording
    # number the new certificate replaces at LPJK, and its validity end (which a change keeps).
    application_kind: str = "baru"
    previous_skk_number: str | None = None
    replaces: str | None = None
    previous_valid_until: date | None = None


class WorkflowPort(Protocol):
    async def issuance_facts(self, session: AsyncSession, application_id: str) -> IssuanceFacts:
        """The facts of an application for issuance (``NotFound`` if unknown)."""

    async def record_step(
        self,
        session: AsyncSession,
        application_id: str,
        status: ApplicationStatus,
        *,
        actor: str,
        note: str | None = None,
        certificate: Certificate | None = None,
        certificate_pdf_base64: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """In the caller's transaction: move the application to ``status`` (``Conflict`` if the
        transition is not allowed), append to its timeline and stage the report to SIKI."""

    async def applications_in(self, session: AsyncSession, statuses: Sequence[ApplicationStatus]) -> list[str]:
        """The ids of the applications in one of ``statuses``."""
