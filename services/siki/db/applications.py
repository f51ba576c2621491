"""Applications, their timeline, the processed status reports and the stored documents: the
statements of the hot commands (submission, status reports), built once (only their parameters
change per call), on the few columns each path needs (never the stored submission, a few KB of
JSON that none of these paths reads)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Insert, Update, bindparam, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import (
    APPLICATIONS,
    DOCUMENTS,
    FORMS,
    REPORTS,
    TIMELINE,
    AnyRow,
)
from services.siki.db.models import Application, ApplicationForm, OutboxEvent, StatusReportRecord, TimelineEntry
from shared.dialects import session_insert
from shared.direct_sql import first_row, first_row_in
from shared.staged_rows import (
    Shaped,
    bound,
    combined,
    execute_with,
    rows_insert,
    rows_insert_if,
    take_last_staged,
    take_staged,
    take_staged_if,
)

# The columns a step needs of its application, locked for the transaction.
STEP_COLUMNS = (Application.id, Application.status, Application.last_seq, Application.submission_no,
                Application.lsp_code, Application.applicant_user_id, Application.applicant_email,
                Application.invoice, Application.certificate, Application.application_kind)
_SUBMIT_HEAD = (select(Application.id, Application.status, Application.last_seq, Application.submission_no,
                       Application.lsp_code, Application.application_kind, Application.previous_recording_number)
                .where(Application.id == bindparam("application_id")).with_for_update())
_LOCKED_HEAD = (select(*STEP_COLUMNS, Application.last_proof_no, Application.appeal_reason)
                .where(Application.id == bindparam("application_id")).with_for_update())
# A report's application (locked) and, in the same round trip, what an earlier report with the
# same id answered; not locked for a report's first try (``usecases/reports.py``).
_REPORT_SEEN = (
    select(*STEP_COLUMNS, StatusReportRecord.lsp_code.label("done_lsp_code"),
           StatusReportRecord.application_id.label("done_application_id"),
           StatusReportRecord.answer.label("done_answer"))
    .select_from(Application)
    .outerjoin(StatusReportRecord, StatusReportRecord.report_id == bindparam("report_id"))
    .where(Application.id == bindparam("application_id"))
)
_REPORT_HEAD = _REPORT_SEEN.with_for_update(of=Application)
# A first try's guard: the application's row, locked, only while its last step is the one the
# try read. Every change of status is a step (a new ``last_seq``), and ``FOR UPDATE`` checks a
# row another transaction changed meanwhile again as that transaction left it.
STEP_GUARD = (select(APPLICATIONS.c.id)
              .where(APPLICATIONS.c.id == bindparam("guard_application_id"),
                     APPLICATIONS.c.last_seq.is_not_distinct_from(bindparam("guard_last_seq")),
                     APPLICATIONS.c.status.is_not_distinct_from(bindparam("guard_status")))
              .with_for_update().cte("step_guard"))
_REPORT_DONE = select(StatusReportRecord.lsp_code, StatusReportRecord.application_id, StatusReportRecord.answer).where(
    StatusReportRecord.report_id == bindparam("report_id"))
# What the LSP's re-check needs of an application (``check_application_eligibility``).
_OWNERSHIP_HEAD = select(
    Application.id, Application.nik, Application.lsp_code, Application.applicant_user_id, Application.status,
    Application.kualifikasi, Application.klasifikasi_code, Application.subklasifikasi_code,
    Application.jabatan_kerja_code, Application.previous_recording_number,
).where(Application.id == bindparam("application_id"))
_STEP = select(TimelineEntry.at, TimelineEntry.note).where(
    TimelineEntry.application_id == bindparam("application_id"), TimelineEntry.seq == bindparam("seq"))


async def submit_head(s: AsyncSession, application_id: str) -> AnyRow | None:
    """What a submission needs of an earlier one (locked), or None for a new application."""
    return (await s.execute(_SUBMIT_HEAD, {"application_id": application_id})).first()


async def locked_head(s: AsyncSession, application_id: str) -> AnyRow | None:
    """The step columns (and the last proof number and appeal reason), locked."""
    return (await s.execute(_LOCKED_HEAD, {"application_id": application_id})).first()


async def report_head(s: AsyncSession, application_id: str, report_id: str) -> AnyRow | None:
    """The step columns (locked) plus ``done_*``: what an earlier report with this id answered."""
    return (await s.execute(_REPORT_HEAD, {"application_id": application_id, "report_id": report_id})).first()


async def report_seen(conn: AsyncConnection, application_id: str, report_id: str) -> AnyRow | None:
    """As :func:`report_head`, not locked (a first try's read, outside any transaction)."""
    return await first_row(conn, _REPORT_SEEN, {"application_id": application_id, "report_id": report_id})


async def ownership_head(s: AsyncSession, application_id: str) -> AnyRow | None:
    """The application's NIK, account, LSP, status and qualification (None if unknown)."""
    return (await s.execute(_OWNERSHIP_HEAD, {"application_id": application_id})).first()


async def step(s: AsyncSession, application_id: str, seq: int) -> AnyRow | None:
    """One timeline entry's ``at`` and ``note`` (the application's last step: ``seq = last_seq``)."""
    return (await s.execute(_STEP, {"application_id": application_id, "seq": seq})).first()


async def report_done(s: AsyncSession, report_id: str) -> AnyRow | None:
    return (await s.execute(_REPORT_DONE, {"report_id": report_id})).first()


# Built once per shape (the columns set), the values as parameters: a step builds no statement
# (shared/staged_rows.py).
@functools.cache
def _update_of(columns: tuple[str, ...], guarded: bool) -> Update:
    where = [APPLICATIONS.c.id == bindparam("guard_application_id")]
    if guarded:
        where.append(exists(STEP_GUARD.select()))
    statement = update(APPLICATIONS).where(*where).values(bound(APPLICATIONS, columns, "set"))
    return statement.returning(APPLICATIONS.c.id) if guarded else statement


@functools.cache
def _insert_of(columns: tuple[str, ...]) -> Insert:
    return insert(APPLICATIONS).values(bound(APPLICATIONS, columns, "set"))


def _application_update(values: dict[str, Any], *, guarded: bool) -> tuple[Update, dict[str, Any]]:
    """The update of ``values`` (by the application's id: ``guard_application_id``), kept per
    shape, and its parameters; ``guarded``: only while :data:`STEP_GUARD` yields the row,
    answering its id."""
    indexed = _indexed(values)
    columns = tuple(sorted(indexed))
    return _update_of(columns, guarded), {f"set_{c}": indexed[c] for c in columns}


async def insert_application(s: AsyncSession, application_id: str, values: dict[str, Any], now: datetime,
                             *also: Insert | Shaped) -> None:
    """Insert the application and ``also`` (its timeline entries, their events) together."""
    indexed = {**_indexed(values), "id": application_id, "last_proof_no": 0, "created_at": now}
    columns = tuple(sorted(indexed))
    await execute_with(s, Shaped(_insert_of(columns), {f"set_{c}": indexed[c] for c in columns}), also)


async def update_application(s: AsyncSession, application_id: str, values: dict[str, Any],
                             *also: Insert | Shaped) -> None:
    """Update the application and insert ``also`` (its new timeline entries, their events, the
    report's record) together."""
    statement, params = _application_update(values, guarded=False)
    await execute_with(s, Shaped(statement, {**params, "guard_application_id": application_id}), also)


async def update_application_if(s: AsyncSession, application_id: str, values: dict[str, Any], *,
                                seen_last_seq: int | None, seen_status: str | None,
                                timeline_rows: list[dict[str, Any]], record: dict[str, Any]) -> bool | None:
    """A first try's step, PostgreSQL, ``s`` in AUTOCOMMIT (``shared.database.alone_session``):
    as :func:`update_application` with the timeline's rows, the events staged in ``s`` and the
    report's ``record``, one statement that writes only while the application is at
    ``seen_last_seq`` and ``seen_status`` (:data:`STEP_GUARD`). True written; False the row moved
    (nothing written); None when an insert cannot be made conditional (nothing sent)."""
    entries = rows_insert_if(TIMELINE, timeline_rows, STEP_GUARD)
    kept = rows_insert_if(REPORTS, [record], STEP_GUARD)
    events = take_staged_if(s, STEP_GUARD, OutboxEvent)
    if entries is None or kept is None or events is None:
        return None
    statement, params = _application_update(values, guarded=True)
    params.update({"guard_application_id": application_id, "guard_last_seq": seen_last_seq,
                   "guard_status": seen_status})
    one, merged = combined(Shaped(statement, params), [entries, kept, *events])
    return await first_row_in(s, one, merged) is not None


def timeline_insert(rows: list[dict[str, Any]]) -> Shaped:
    return rows_insert(TIMELINE, rows)


def staged_events(s: AsyncSession) -> Shaped | None:
    """The events staged in ``s`` and not yet flushed (``shared.outbox.add_event`` adds them as
    ORM rows, inserted by the flush at commit: a round trip of its own), taken out of the unit
    of work as one insert, in the order they were staged, for the caller to send with its own
    statement (an ``also`` of ``update_application``): still the step's transaction, one round trip
    less. None if nothing is staged."""
    inserts = take_staged(s, OutboxEvent)
    return inserts[0] if inserts else None


def take_last_staged_event(s: AsyncSession) -> dict[str, Any] | None:
    """The values of the event staged last in ``s`` (just now, by the caller), taken out of the
    unit of work for the caller's own statement (``deliveries.insert_delivery``); None if none."""
    return take_last_staged(s, OutboxEvent)


def report_record(report_id: str, lsp_code: str, application_id: str, answer: dict[str, Any],
                  now: datetime) -> Shaped:
    """The record that makes a report idempotent by ``report_id``: a retry reads its answer."""
    return rows_insert(REPORTS, [{"report_id": report_id, "lsp_code": lsp_code, "application_id": application_id,
                                  "answer": answer, "processed_at": now}])


def _indexed(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the NIK's blind index beside the (encrypted) NIK: lookups go by the index."""
    return {**values, "nik_index": values["nik"]} if "nik" in values else values


async def store_document(s: AsyncSession, digest: str, content: bytes, content_type: str, now: datetime) -> None:
    """Keep ``content`` under its digest, once (the same bytes are stored once)."""
    await s.execute(document_insert(s, digest, content, content_type, now))


def document_insert(s: AsyncSession, digest: str, content: bytes, content_type: str, now: datetime) -> Insert:
    """The insert that keeps ``content`` under its digest unless it is kept already: one
    statement (for a step's ``also``), where a read and an insert were two round trips."""
    insert_ = session_insert(s)
    return insert_(DOCUMENTS).values(sha256=digest, content_type=content_type, size=len(content), content=content,
                                     stored_at=now).on_conflict_do_nothing(index_elements=["sha256"])


class StoredForm(NamedTuple):
    """What deciding whether to keep a new form needs of the one kept (``usecases/forms.py``)."""

    sha256: str
    signed: bool
    submission_no: int


_FORMS = select(ApplicationForm.form, ApplicationForm.sha256, ApplicationForm.signed,
                ApplicationForm.submission_no).where(ApplicationForm.application_id == bindparam("application_id"))


async def forms_of(s: AsyncSession, application_id: str) -> dict[str, StoredForm]:
    """The application's kept forms by name (``apl01``, ``apl02``), in one read."""
    rows = await s.execute(_FORMS, {"application_id": application_id})
    return {row.form: StoredForm(row.sha256, row.signed, row.submission_no) for row in rows}


def form_upsert(s: AsyncSession, application_id: str, form: str, digest: str, signed: bool, submission_no: int,
                now: datetime) -> Insert:
    """The form as the application's latest (inserted, or replacing the one kept)."""
    insert_ = session_insert(s)
    values = {"sha256": digest, "signed": signed, "submission_no": submission_no, "stored_at": now}
    return (insert_(FORMS).values(application_id=application_id, form=form, **values)
            .on_conflict_do_update(index_elements=["application_id", "form"], set_=values))
