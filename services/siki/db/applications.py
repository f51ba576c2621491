"""Applications, their timeline, the processed status reports and the stored documents: the
statements of the hot commands (submission, status reports), built once (only their parameters
change per call), on the few columns each path needs (never the stored submission, a few KB of
JSON that none of these paths reads)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Insert, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.common import APPLICATIONS, REPORTS, TIMELINE, AnyRow
from services.siki.db.models import Application, StatusReportRecord, StoredDocument, TimelineEntry

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
# same id answered.
_REPORT_HEAD = (
    select(*STEP_COLUMNS, StatusReportRecord.lsp_code.label("done_lsp_code"),
           StatusReportRecord.application_id.label("done_application_id"),
           StatusReportRecord.answer.label("done_answer"))
    .select_from(Application)
    .outerjoin(StatusReportRecord, StatusReportRecord.report_id == bindparam("report_id"))
    .where(Application.id == bindparam("application_id"))
    .with_for_update(of=Application)
)
_REPORT_DONE = select(StatusReportRecord.lsp_code, StatusReportRecord.application_id, StatusReportRecord.answer).where(
    StatusReportRecord.report_id == bindparam("report_id"))
_DOCUMENT_EXISTS = select(StoredDocument.sha256).where(StoredDocument.sha256 == bindparam("sha256"))
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


async def ownership_head(s: AsyncSession, application_id: str) -> AnyRow | None:
    """The application's NIK, account, LSP, status and qualification (None if unknown)."""
    return (await s.execute(_OWNERSHIP_HEAD, {"application_id": application_id})).first()


async def step(s: AsyncSession, application_id: str, seq: int) -> AnyRow | None:
    """One timeline entry's ``at`` and ``note`` (the application's last step: ``seq = last_seq``)."""
    return (await s.execute(_STEP, {"application_id": application_id, "seq": seq})).first()


async def report_done(s: AsyncSession, report_id: str) -> AnyRow | None:
    return (await s.execute(_REPORT_DONE, {"report_id": report_id})).first()


async def insert_application(s: AsyncSession, application_id: str, values: dict[str, Any], now: datetime) -> None:
    await s.execute(insert(APPLICATIONS).values(id=application_id, last_proof_no=0, created_at=now,
                                                **_indexed(values)))


async def update_application(s: AsyncSession, application_id: str, values: dict[str, Any]) -> None:
    await s.execute(update(APPLICATIONS).where(APPLICATIONS.c.id == application_id).values(**_indexed(values)))


async def move_application(s: AsyncSession, application_id: str, values: dict[str, Any],
                           timeline_rows: list[dict[str, Any]], *also: Insert) -> None:
    """Update the application, insert its new timeline entries and ``also`` (e.g. the report's
    record): one statement on PostgreSQL (data-modifying CTEs run whether or not referenced),
    where each was a round trip in the application's locked transaction."""
    moved = update(APPLICATIONS).where(APPLICATIONS.c.id == application_id).values(**_indexed(values))
    inserts = [insert(TIMELINE).values(timeline_rows), *also]
    if s.get_bind().dialect.name != "postgresql":  # SQLite has no data-modifying CTE
        await s.execute(moved)
        for statement in inserts:
            await s.execute(statement)
        return
    for n, statement in enumerate(inserts):
        moved = moved.add_cte(statement.cte(f"also_{n}"))
    await s.execute(moved)


def report_record(report_id: str, lsp_code: str, application_id: str, answer: dict[str, Any],
                  now: datetime) -> Insert:
    """The record that makes a report idempotent by ``report_id``: a retry reads its answer."""
    return insert(REPORTS).values(report_id=report_id, lsp_code=lsp_code, application_id=application_id,
                                  answer=answer, processed_at=now)


def _indexed(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the NIK's blind index beside the (encrypted) NIK: lookups go by the index."""
    return {**values, "nik_index": values["nik"]} if "nik" in values else values


async def insert_timeline(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await s.execute(insert(TIMELINE), rows)


async def store_document(s: AsyncSession, digest: str, content: bytes, content_type: str, now: datetime) -> None:
    """Keep ``content`` under its digest, once (the same bytes are stored once)."""
    if (await s.execute(_DOCUMENT_EXISTS, {"sha256": digest})).first() is None:
        s.add(StoredDocument(sha256=digest, content_type=content_type, size=len(content), content=content,
                             stored_at=now))
