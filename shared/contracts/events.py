"""The event catalogue: every event on the bus, as a typed model with its producers and consumers.

Routing key = event type. Services publish instances of these models
(``runtime.emit(session, SkkRecorded(...))``) and their handlers receive instances
(``runtime.consume(queue, {SkkRecorded: on_skk_recorded})``). Everything else about events is
derived from this module: the queue table :data:`QUEUES` (declared by every service at start-up,
so an event published before its consumer first started still waits for it), the event table in
``docs/CONTRACTS.md`` and ``docs/asyncapi.yaml`` (``make contracts``).

An LSP instance's internal events travel as ``lsp.<code>.<name>`` on its own queue
``lsp.<code>``; their catalogue type uses ``*`` for the code.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from shared.bus.base import topic_matches
from shared.contracts.siki import AssessmentInfo, Certificate, Invoice
from shared.contracts.states import ApplicationStatus, CertificateStatus
from shared.contracts.types import Count, Day, Timestamp


class Event(BaseModel):
    """Base of every event payload on the bus."""

    # The routing key (AMQP topic; ``*`` stands for one word filled in per instance).
    event_type: ClassVar[str]
    # Who may publish it: service names, or a family such as ``lsp`` for ``lsp:<code>``.
    producers: ClassVar[tuple[str, ...]]
    # The consumer queues it is routed to (an LSP's own queue is ``lsp.<code>``).
    queues: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[int] = 1
    summary: ClassVar[str] = ""

    def routing_key(self) -> str:
        return self.event_type

    @classmethod
    def matches(cls, routing_key: str) -> bool:
        return topic_matches(cls.event_type, routing_key)

    @classmethod
    def produced_by(cls, source: str) -> bool:
        """Whether ``source`` (an envelope's producer, e.g. ``lsp:LSP-A``) may publish this event."""
        family = source.split(":", 1)[0]
        return source in cls.producers or family in cls.producers


class StatusChanged(Event):
    event_type = "application.status_changed"
    producers = ("siki",)
    queues = ("portal",)
    summary = "A step on an application's SIKI timeline (the portal mirrors it and notifies the applicant)."

    application_id: str
    # Position on SIKI's timeline (1, 2, ...): a consumer applies a status only if its seq is
    # newer than the last it applied, so redelivered or reordered events cannot go backwards.
    seq: Count
    status: ApplicationStatus
    previous_status: ApplicationStatus | None = None
    at: Timestamp
    actor: str
    note: str | None = None
    reasons: list[str] = Field(default_factory=list)
    lsp_code: str | None = None
    applicant_user_id: str | None = None
    applicant_email: str | None = None
    invoice: Invoice | None = None
    certificate: Certificate | None = None
    # The schedule (``scheduled``) or decision (``competent``/``not_yet_competent``) as the LSP
    # reported it, so the applicant is told the time, TUK and asesor.
    assessment: AssessmentInfo | None = None
    # ``not_yet_competent``: the last day (WIB) an appeal may be filed.
    appeal_until: Day | None = None


class SkkRecorded(Event):
    event_type = "skk.recorded"
    producers = ("lpjk",)
    queues = ("siki",)
    summary = "LPJK recorded an SKK (feeds SIKI's register of SKK per NIK)."

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
    jenjang: Count
    issued_on: Day
    valid_until: Day


class CertificateStatusChanged(Event):
    event_type = "certificate.status_changed"
    producers = ("lpjk",)
    queues = ("siki", "portal")
    summary = ("LPJK suspended, reinstated, revoked or superseded a recorded certificate (SIKI's register "
               "and the holder's portal follow it; SIKI tells the issuing LSP by webhook).")

    recording_number: str
    skk_number: str
    application_id: str
    lsp_code: str
    # Per certificate, 1, 2, ...: a consumer applies a change only if it is newer than the last.
    seq: Count
    status: CertificateStatus  # never ``expired`` (that is a date, not an event)
    previous_status: CertificateStatus
    reason: str | None = None
    at: Timestamp
    superseded_by: str | None = None  # ``superseded``: the replacing certificate's recording number


class CertificateDownloaded(Event):
    event_type = "portal.certificate_downloaded"
    producers = ("portal",)
    queues = ("siki",)
    summary = "The applicant downloaded the e-certificate for the first time (SIKI completes the application)."

    application_id: str
    user_id: str
    at: Timestamp


class WebhookRequested(Event):
    event_type = "siki.webhook_requested"
    producers = ("siki",)
    queues = ("siki.webhooks",)
    summary = "SIKI's own: one attempt to deliver a stored webhook to an LSP (retried with backoff)."

    delivery_id: str


class EmailRequested(Event):
    event_type = "portal.email_requested"
    producers = ("portal",)
    queues = ("portal.mail",)
    summary = "The portal's own: an email to send over SMTP once the transaction that asked for it committed."

    to: str
    subject: str
    body: str


class _LspInternal(Event):
    """An LSP instance's own event: routed to its own queue only."""

    producers = ("lsp",)
    queues = ("lsp.*",)
    name: ClassVar[str]

    lsp_code: str
    application_id: str

    def routing_key(self) -> str:
        return lsp_event(self.lsp_code, self.name)

    @classmethod
    def for_lsp(cls, lsp_code: str) -> str:
        """The routing key (and binding pattern) of this event for one LSP."""
        return lsp_event(lsp_code, cls.name)


class ReportPending(_LspInternal):
    event_type = "lsp.*.report_pending"
    name = "report_pending"
    # Since 2026-12-05 the process that commits a step sends its reports itself
    # (services/lsp/usecases/report_sender.py); an LSP still consumes this event, which a
    # process of an earlier release may have published during an upgrade.
    summary = ("An LSP's own, from earlier releases: a status report waits in its outbox to be sent to SIKI "
               "(now sent by the process that commits the step; still consumed).")


class FormsPending(_LspInternal):
    event_type = "lsp.*.forms_pending"
    name = "forms_pending"
    summary = "An LSP's own: an application was received; its FR.APL.01 and FR.APL.02 go to SIKI."


class IssuanceRequested(_LspInternal):
    event_type = "lsp.*.issuance_requested"
    name = "issuance_requested"
    summary = "An LSP's own: Kompeten was decided; the issuance steps (BNSP, LPJK, certificate) take over."


class LspEmailRequested(Event):
    """An LSP's own: an email (a staff member's activation link) to send over SMTP once the
    transaction that asked for it committed. About no application: not an ``_LspInternal``."""

    event_type = "lsp.*.email_requested"
    producers = ("lsp",)
    queues = ("lsp.*",)
    summary = "An LSP's own: an email to send over SMTP once the transaction that asked for it committed."
    name: ClassVar[str] = "email_requested"

    lsp_code: str
    to: str
    subject: str
    body: str

    def routing_key(self) -> str:
        return lsp_event(self.lsp_code, self.name)

    @classmethod
    def for_lsp(cls, lsp_code: str) -> str:
        return lsp_event(lsp_code, cls.name)


CATALOGUE: tuple[type[Event], ...] = (
    StatusChanged, SkkRecorded, CertificateStatusChanged, CertificateDownloaded, WebhookRequested, EmailRequested,
    ReportPending, IssuanceRequested, FormsPending, LspEmailRequested,
)


def lsp_event(lsp_code: str, name: str) -> str:
    """An LSP instance's internal event type, e.g. ``lsp.LSP-A.report_pending``."""
    return f"lsp.{lsp_code}.{name}"


def event_class(routing_key: str) -> type[Event] | None:
    return next((cls for cls in CATALOGUE if cls.matches(routing_key)), None)


def _queue_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for cls in CATALOGUE:
        for queue in cls.queues:
            if "*" not in queue:  # an LSP declares its own queue
                table.setdefault(queue, []).append(cls.event_type)
    return table


# Every consumer queue of the chain with its bindings, derived from the catalogue.
QUEUES: dict[str, list[str]] = _queue_table()

# The routing keys, for code that names a type without a payload at hand.
APPLICATION_STATUS_CHANGED = StatusChanged.event_type
SKK_RECORDED = SkkRecorded.event_type
CERTIFICATE_STATUS_CHANGED = CertificateStatusChanged.event_type
CERTIFICATE_DOWNLOADED = CertificateDownloaded.event_type
WEBHOOK_REQUESTED = WebhookRequested.event_type
EMAIL_REQUESTED = EmailRequested.event_type
