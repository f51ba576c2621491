"""Events on the bus: their types, payloads, and which queue consumes which.

Routing key = event type. Every consumer queue of the chain is listed in :data:`QUEUES` so that
every service can declare all of them at start-up: an event published before its consumer first
started still waits for it. LSP instances add their own queue ``lsp.<code>`` for their internal
events ``lsp.<code>.*``.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from shared.contracts.siki import Certificate, Invoice
from shared.contracts.states import ApplicationStatus

# Published by SIKI for every step on an application's timeline.
APPLICATION_STATUS_CHANGED = "application.status_changed"
# Published by LPJK when an SKK is recorded (feeds SIKI's register of SKK per NIK).
SKK_RECORDED = "skk.recorded"
# Published by the portal when the applicant first downloads the e-certificate.
CERTIFICATE_DOWNLOADED = "portal.certificate_downloaded"
# SIKI's own: a webhook to deliver to an LSP (retried with backoff through the bus).
WEBHOOK_REQUESTED = "siki.webhook_requested"


def lsp_event(lsp_code: str, name: str) -> str:
    """An LSP instance's internal event type, e.g. ``lsp.LSP-A.report_pending``."""
    return f"lsp.{lsp_code}.{name}"


QUEUES: dict[str, list[str]] = {
    "portal": [APPLICATION_STATUS_CHANGED],
    "siki": [SKK_RECORDED, CERTIFICATE_DOWNLOADED],
    "siki.webhooks": [WEBHOOK_REQUESTED],
}


class StatusChanged(BaseModel):
    application_id: str
    # Position on SIKI's timeline (1, 2, ...): a consumer applies a status only if its seq is
    # newer than the last it applied, so redelivered or reordered events cannot go backwards.
    seq: int
    status: ApplicationStatus
    previous_status: ApplicationStatus | None = None
    at: datetime
    actor: str
    note: str | None = None
    reasons: list[str] = Field(default_factory=list)
    lsp_code: str | None = None
    applicant_user_id: str | None = None
    applicant_email: str | None = None
    invoice: Invoice | None = None
    certificate: Certificate | None = None


class SkkRecorded(BaseModel):
    recording_number: str
    skk_number: str
    registration_number: str
    nik: str
    lsp_code: str
    application_id: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    issued_on: date
    valid_until: date


class CertificateDownloaded(BaseModel):
    application_id: str
    user_id: str
    at: datetime


class WebhookRequested(BaseModel):
    delivery_id: str
