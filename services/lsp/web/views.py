"""How the staff pages present what the use cases answer: which actions a staff member may take
on an application now (the state machine's rules, so a form is never offered that the use case
would refuse for its role or state), the documents an application carries, the sections as
nested rows, and the forms' values parsed into the use cases' arguments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from services.lsp.domain.machine import Action, rules_for
from services.lsp.usecases.staff import StaffPrincipal
from shared.contracts.states import ApplicationStatus
from shared.exceptions import Invalid
from shared.web import Catalogue, tanggal, waktu

# The worklist's order: where the work is first.
STATUS_ORDER: tuple[ApplicationStatus, ...] = tuple(s for s in ApplicationStatus if s is not ApplicationStatus.DRAFT)

# Each form of the application page: its id suffix (``aksi-<id>``), its path and the rules it covers.
ACTIONS: dict[str, tuple[Action, ...]] = {
    "verifikasi": (Action.ACCEPT_APPLICATION, Action.REJECT_APPLICATION),
    "pembayaran": (Action.VERIFY_PAYMENT_VALID, Action.VERIFY_PAYMENT_INVALID),
    "mulai": (Action.START_CERTIFICATION,),
    "jadwal": (Action.SCHEDULE_ASSESSMENT,),
    "laporan": (Action.SUBMIT_ASSESSMENT_REPORT,),
    "keputusan": (Action.DECIDE_KOMPETEN, Action.DECIDE_BELUM_KOMPETEN),
    "banding": (Action.UPHOLD_APPEAL, Action.REJECT_APPEAL),
}
STAFF_ROLES = ("manajer", "admin", "asesor", "komite")


def utc(at: Any) -> Any:
    """SQLite hands datetimes back without their zone (stored as UTC); strings as stored."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return at
    if isinstance(at, datetime) and at.tzinfo is None:
        return at.replace(tzinfo=UTC)
    return at


def actions_for(staff: StaffPrincipal, view: Mapping[str, Any]) -> list[str]:
    """The forms to offer: the role holds the rule's role and the application is in a state it
    starts from; the report only to the assessor assigned to the current round."""
    status = ApplicationStatus(view["status"])
    table = rules_for(view.get("application_kind"))
    offered = []
    for name, actions in ACTIONS.items():
        rules = [table[a] for a in actions]
        if not any(staff.has(r.role.value) and status in r.from_states for r in rules):
            continue
        if name == "laporan":
            rounds = view.get("assessments") or []
            if not rounds or rounds[-1].get("assessor_username") != staff.username:
                continue
        offered.append(name)
    return offered


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: Any
    payment_proof: bool


def documents_of(view: Mapping[str, Any]) -> list[Document]:
    """The documents the submission referenced, then the latest payment proof."""
    refs = [(d, False) for d in view.get("documents") or []]
    proof = (view.get("payment") or {}).get("proof")
    if proof:
        refs.append((proof, True))
    return [Document(id=str(d.get("id")), kind=str(d.get("kind") or ""), content_type=str(d.get("content_type") or ""),
                     size=int(d.get("size") or 0), sha256=str(d.get("sha256") or ""),
                     uploaded_at=utc(d.get("uploaded_at")), payment_proof=is_proof)
            for d, is_proof in refs]


def size_text(size: int) -> str:
    """Bytes in the Indonesian style: "12,3 KB"."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{value:.1f} GB".replace(".", ",")


def reasons_of(text: Any) -> list[str]:
    """One reason per line of a textarea."""
    lines = [line.strip()[:1000] for line in str(text or "").splitlines() if line.strip()]
    return lines[:50]


def one_of(form: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = str(form.get(name) or "")
    if value not in choices:
        raise Invalid.field(name, "pilih salah satu")
    return value


def scheduled_at(form: Mapping[str, Any], tz: ZoneInfo) -> datetime:
    """The date and time fields (WIB, the LSP's zone) as one instant."""
    errors = []
    try:
        day = date.fromisoformat(str(form.get("tanggal") or ""))
    except ValueError:
        errors.append({"field": "tanggal", "message": "isi tanggal (hh/bb/tttt)"})
    try:
        at = time.fromisoformat(str(form.get("jam") or ""))
    except ValueError:
        errors.append({"field": "jam", "message": "isi jam (jj.mm)"})
    if errors:
        raise Invalid.fields(errors)
    # In UTC: SQLite keeps the wall time of an aware datetime and drops its offset.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def roles_of(form: Any) -> list[str]:
    """The ticked role checkboxes (``roles`` repeated), in the usual order."""
    ticked = set(form.getlist("roles")) if hasattr(form, "getlist") else set(form.get("roles") or [])
    return [r for r in STAFF_ROLES if r in ticked]


def label_of(key: str, catalogue: Catalogue) -> str:
    """A section field's label: the catalogue's, else the key made readable."""
    name = f"lsp.field.{key}"
    return catalogue.t(name) if name in catalogue else key.replace("_", " ").capitalize()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def shown_value(value: Any) -> str:
    """A section's scalar as a page shows it: dates and instants in the Indonesian style."""
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return tanggal(value)
        if _ISO_INSTANT.match(value):
            return waktu(value)
    return str(value)
