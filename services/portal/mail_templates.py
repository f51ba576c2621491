"""The portal's emails, rendered from Jinja2 templates in ``templates/email`` (Bahasa Indonesia).

A template's first line is the subject, then a blank line, then the body. Emails are plain
text (``EmailRequested`` carries one text body), where HTML escaping would only garble a name
like "O'Neil"; what a plain-text value must not do is break out of its line (a name carrying
"\\n\\nAkun Anda DIBLOKIR..." must not become a paragraph of the official email). So every
inserted value is put on one line: control characters and line separators become spaces.
That holds even for rows stored before names were validated. An ``.html`` template, should
one be added, is HTML-autoescaped on top of that.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from services.portal.domain.applications import wib_date, wib_moment
from shared.contracts.events import StatusChanged
from shared.contracts.states import ApplicationStatus

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE_DIR = Path(__file__).parent / "templates" / "email"
# Indonesia keeps no daylight saving time: a fixed offset needs no time-zone database.
WIB = timezone(timedelta(hours=7), "WIB")
_BREAKING = ("Cc", "Cf", "Zl", "Zp")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def one_line(value: Any) -> str:
    """``value`` as text that cannot leave its line."""
    text = "" if value is None else str(value)
    return "".join(" " if unicodedata.category(c) in _BREAKING else c for c in text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # jinja2 imported for the first mail, not at start-up (1 MiB of idle RSS, issue 17).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False),
        finalize=one_line,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_email(name: str, **values: Any) -> RenderedEmail:
    """Render ``templates/email/<name>.txt``; a value the template uses but was not given raises."""
    text = _environment().get_template(f"{name}.txt").render(**values)
    subject, _, body = text.partition("\n")
    return RenderedEmail(subject=subject.strip(), body=body.lstrip("\n"))


def local_time(at: datetime) -> str:
    """A moment as an Indonesian reader expects it: ``03-12-2026 14.05 WIB``."""
    return at.astimezone(WIB).strftime("%d-%m-%Y %H.%M WIB")


# --- the applicant's email for each step of the application (``status/<name>.txt``) --------

S = ApplicationStatus
# The step -> the template of its email; a step not named here sends none (e.g. ``accepted``
# is followed at once by ``invoiced``, whose email says both).
STATUS_TEMPLATES: dict[ApplicationStatus, str] = {
    S.FORWARDED: "status/received",
    S.RETURNED: "status/returned",
    S.INVOICED: "status/invoice",
    S.PAYMENT_REJECTED: "status/payment_rejected",
    S.PAYMENT_VERIFIED: "status/payment_verified",
    S.SCHEDULED: "status/scheduled",
    S.COMPETENT: "status/decision",
    S.NOT_YET_COMPETENT: "status/decision",
    S.APPEALED: "status/appeal_received",
    S.APPEAL_UPHELD: "status/appeal_decided",
    S.APPEAL_REJECTED: "status/appeal_decided",
    S.CERTIFICATE_ISSUED: "certificate_ready",
    S.CANCELLED: "status/cancelled",
    S.WITHDRAWN: "status/withdrawn",
}


def rupiah(amount: Decimal) -> str:
    """``Rp 1.500.000`` (Indonesian grouping: dots for thousands, a comma before cents)."""
    whole, cents = divmod(abs(amount.quantize(Decimal("0.01"))) * 100, 100)
    text = f"{int(whole):,}".replace(",", ".")
    if cents:
        text += f",{int(cents):02d}"
    return f"{'-' if amount < 0 else ''}Rp {text}"


def status_email(ev: StatusChanged, *, first_name: str, portal_url: str) -> RenderedEmail | None:
    """The email that tells the applicant about SIKI's step ``ev``, or None for a step without one.
    Subjects are fixed text; every value from another party (names, reasons, notes) goes into
    the body only, one line each."""
    name = STATUS_TEMPLATES.get(ev.status)
    if name is None:
        return None
    base = portal_url.rstrip("/")
    forms = f"{base}/api/v1/applications/{ev.application_id}/forms"
    invoice, assessment = ev.invoice, ev.assessment
    scheduled = assessment.scheduled_at.astimezone(WIB) if assessment and assessment.scheduled_at else None
    values: dict[str, Any] = {
        "first_name": first_name, "application_id": ev.application_id, "portal_url": base,
        "lsp_code": ev.lsp_code or "", "reasons": list(ev.reasons), "note": ev.note or "",
        "apl01_url": f"{forms}/apl01", "apl02_url": f"{forms}/apl02",
        "invoice_number": invoice.number if invoice else "",
        "amount": rupiah(invoice.amount) if invoice else "",
        "due_date": wib_date(invoice.due_date) if invoice else "",
        "day": wib_moment(scheduled).split(" pukul ")[0] if scheduled else "",
        "time": f"{scheduled:%H.%M} WIB" if scheduled else "",
        "tuk": _named(assessment.tuk_name, assessment.tuk_code) if assessment else "",
        "assessor": (assessment.assessor_name or assessment.assessor_username or "") if assessment else "",
        "kompeten": ev.status is S.COMPETENT,
        "appeal_until": wib_date(ev.appeal_until) if ev.appeal_until else "",
        "upheld": ev.status is S.APPEAL_UPHELD,
    }
    return render_email(name, **values)


def _named(name: str | None, code: str | None) -> str:
    """``TUK Sewaktu LSP-A Jakarta (TUK-A-01)``: the name the applicant looks for, the code to check."""
    if name and code and name != code:
        return f"{name} ({code})"
    return name or code or ""
