"""An application with the child rows its staff view shows (invoice, assessment rounds, timeline,
status reports), read in one statement: the application's row and four selects were five round
trips per view, and the view is built for every staff read and after every step
(shared/sql_json.py)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Row, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Assessment, Invoice, StatusReportRow, TimelineEntry
from shared.idempotency_marks import carrying_notes
from shared.sql_json import date_from_json, decimal_from_json, json_array, json_one, utc_from_json

_INVOICE = {"number": Invoice.number, "amount": Invoice.amount, "currency": Invoice.currency,
            "issued_at": Invoice.issued_at, "due_date": Invoice.due_date}
_ASSESSMENT = {"round": Assessment.round, "assessor_username": Assessment.assessor_username,
               "tuk_code": Assessment.tuk_code, "scheduled_at": Assessment.scheduled_at,
               "recommendation": Assessment.recommendation, "notes": Assessment.notes,
               "reported_at": Assessment.reported_at, "result": Assessment.result,
               "decided_by": Assessment.decided_by, "decided_at": Assessment.decided_at}
_TIMELINE = {"id": TimelineEntry.id, "status": TimelineEntry.status, "at": TimelineEntry.at,
             "actor": TimelineEntry.actor, "note": TimelineEntry.note, "reasons": TimelineEntry.reasons}
_REPORT = {"seq": StatusReportRow.seq, "report_id": StatusReportRow.report_id, "status": StatusReportRow.status,
           "created_at": StatusReportRow.created_at, "sent_at": StatusReportRow.sent_at,
           "attempts": StatusReportRow.attempts, "last_error": StatusReportRow.last_error,
           "refused_at": StatusReportRow.refused_at}
_AMOUNT_PLACES = Invoice.__table__.c.amount.type.scale  # type: ignore[attr-defined]


class ApplicationParts(NamedTuple):
    invoice: dict[str, Any] | None
    assessments: list[dict[str, Any]]  # by round
    timeline: list[dict[str, Any]]  # as written
    reports: list[dict[str, Any]]  # as staged


def _parts(dialect: str) -> list[Any]:
    app_id: BindParameter[str] = bindparam("application_id")
    return [
        json_one(dialect, _INVOICE, Invoice.application_id == app_id, label="invoice"),
        json_array(dialect, _ASSESSMENT, Assessment.application_id == app_id, label="assessments"),
        json_array(dialect, _TIMELINE, TimelineEntry.application_id == app_id, label="timeline"),
        json_array(dialect, _REPORT, StatusReportRow.application_id == app_id, label="reports"),
    ]


# The application itself (the ORM row) with its parts.
_WITH_APPLICATION = {dialect: select(Application, *_parts(dialect)).where(Application.id == bindparam("application_id"))
                     for dialect in ("postgresql", "sqlite")}


def _ordered(rows: list[dict[str, Any]] | None, key: str, times: tuple[str, ...], *,
             show_key: bool) -> list[dict[str, Any]]:
    """``rows`` in the order of ``key`` (an integer), their ``times`` read back as aware UTC
    datetimes; ``key`` dropped unless the view shows it."""
    out = []
    for row in sorted(rows or (), key=lambda r: int(r[key])):
        row = {**row, **{k: None if row[k] is None else utc_from_json(row[k]) for k in times}}
        if not show_key:
            del row[key]
        out.append(row)
    return out


def _parts_of(row: Row[Any]) -> ApplicationParts:
    invoice = None
    if row.invoice is not None:
        invoice = {**row.invoice, "amount": decimal_from_json(row.invoice["amount"], _AMOUNT_PLACES),
                   "issued_at": utc_from_json(row.invoice["issued_at"]),
                   "due_date": date_from_json(row.invoice["due_date"])}
    return ApplicationParts(
        invoice=invoice,
        assessments=_ordered(row.assessments, "round", ("scheduled_at", "reported_at", "decided_at"),
                             show_key=True),
        timeline=_ordered(row.timeline, "id", ("at",), show_key=False),
        reports=_ordered(row.reports, "seq", ("created_at", "sent_at", "refused_at"), show_key=False),
    )


async def application_with_parts(session: AsyncSession, application_id: str, *,
                                 notes: bool = False) -> tuple[Application, ApplicationParts] | None:
    """The application (loaded into the session, as ``session.get`` would) and its parts, in one
    statement; None when there is no such application. With ``notes`` the statement also writes
    the request's idempotency notes (``shared.idempotency_marks.carrying_notes``)."""
    statement, params = _WITH_APPLICATION[session.get_bind().dialect.name], {"application_id": application_id}
    if notes:
        statement, params = carrying_notes(session, statement, params)
    row = (await session.execute(statement, params)).first()
    return None if row is None else (row[0], _parts_of(row))
