"""Queries of the portal's tables. Every query of an applicant's data filters by its owner, so
another applicant's id is simply not found (``None``: the use cases decide what that means)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.portal.db.models import (
    Application,
    Document,
    DocumentReference,
    Notification,
    TimelineEntry,
    User,
)
from services.portal.domain.applications import SELF_RECORDED_VALUES, in_timeline_order
from services.portal.domain.sections import DocumentInfo, referenced_documents
from shared.contracts.states import ApplicationStatus
from shared.direct_sql import first_row
from shared.sql_json import json_array, utc_from_json

# --- accounts -----------------------------------------------------------------------------


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def user_by_id(session: AsyncSession, user_id: str) -> User | None:
    return await session.get(User, user_id)


# --- applications ---------------------------------------------------------------------------


async def own_application(session: AsyncSession, user_id: str, application_id: str, *,
                          for_update: bool = False) -> Application | None:
    stmt = select(Application).where(Application.id == application_id, Application.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def own_application_fields(session: AsyncSession, user_id: str, application_id: str,
                                 *columns: Any) -> Row[Any] | None:
    """Only the named columns of one of the user's applications (no ORM object, and no
    ``sections`` JSON parsed unless asked for): for use cases that only read a few fields."""
    return (await session.execute(
        select(*columns).where(Application.id == application_id, Application.user_id == user_id)
    )).first()


# id, application_kind, status, lsp_code, created_at, updated_at
ApplicationListRows = Sequence[Row[str, str, str | None, str, str | None, datetime, datetime]]
# id, application_id, status, message, created_at
NotificationRows = Sequence[Row[str, str | None, str | None, str, datetime]]


async def own_applications(session: AsyncSession, user_id: str, *, limit: int,
                           offset: int) -> tuple[ApplicationListRows, int]:
    """One page of the user's applications, newest first (the columns of a list entry only), and
    how many they have in all."""
    rows = (await session.execute(
        select(Application.id, Application.application_kind, Application.previous_skk_number, Application.status,
               Application.lsp_code, Application.created_at, Application.updated_at)
        .where(Application.user_id == user_id).order_by(Application.created_at.desc(), Application.id)
        .limit(limit).offset(offset)
    )).all()
    total = await session.scalar(select(func.count()).select_from(Application).where(Application.user_id == user_id))
    return rows, int(total or 0)


async def record_certificate_digest(session: AsyncSession, user_id: str, application_id: str, digest: str) -> None:
    """Remember where the certificate's bytes are stored (only the first digest is kept)."""
    await session.execute(update(Application)
                          .where(Application.id == application_id, Application.user_id == user_id,
                                 Application.certificate_sha256.is_(None))
                          .values(certificate_sha256=digest))


async def complete_on_download(session: AsyncSession, user_id: str, application_id: str, now: datetime) -> bool:
    """``certificate_issued`` -> ``completed``; True only for the download that moved it (conditional)."""
    first = await session.execute(update(Application)
                                  .where(Application.id == application_id, Application.user_id == user_id,
                                         Application.status == ApplicationStatus.CERTIFICATE_ISSUED.value)
                                  .values(status=ApplicationStatus.COMPLETED.value, downloaded_at=now,
                                          updated_at=now))
    return getattr(first, "rowcount", 0) == 1


# --- documents ------------------------------------------------------------------------------


async def own_documents(session: AsyncSession, user_id: str) -> dict[str, Document]:
    rows = (await session.execute(select(Document).where(Document.user_id == user_id))).scalars().all()
    return {d.id: d for d in rows}


def document_infos(docs: dict[str, Document]) -> dict[str, DocumentInfo]:
    return {i: DocumentInfo(kind=d.kind, content_type=d.content_type) for i, d in docs.items()}


SECTION_REFERENCE = "section"
PAYMENT_PROOF_REFERENCE = "payment_proof"


def _documents_and_timeline(dialect: str) -> Select[Any]:
    """The user's documents (what the section rules need of them, and whether the application's
    sections reference each) and the application's timeline, as two JSON arrays: one statement."""
    referenced = (select(DocumentReference.document_id)
                  .where(DocumentReference.document_id == Document.id,
                         DocumentReference.application_id == bindparam("application_id"),
                         DocumentReference.source == SECTION_REFERENCE).exists())
    documents = json_array(dialect, {"id": Document.id, "kind": Document.kind, "content_type": Document.content_type,
                                     "referenced": referenced},
                           Document.user_id == bindparam("user_id"), label="documents_json")
    entries = json_array(dialect, _TIMELINE_FIELDS, TimelineEntry.application_id == bindparam("application_id"),
                         label="timeline_json")
    return select(documents, entries)


class DocumentsAndTimeline(NamedTuple):
    documents: dict[str, DocumentInfo]
    referenced: set[str]  # the documents the application's sections name now
    timeline: list[TimelineView]


async def own_documents_and_timeline(session: AsyncSession, user_id: str,
                                     application_id: str) -> DocumentsAndTimeline:
    """What a section's save reads once it holds the application's lock, in one round trip: the
    user's documents, which of them the sections reference (a section can only name its owner's
    documents), and the timeline its answer shows (only writers holding that lock add to it)."""
    row = (await session.execute(_DOCUMENTS_AND_TIMELINE[session.get_bind().dialect.name],
                                 {"user_id": user_id, "application_id": application_id})).one()
    docs = row.documents_json or []
    return DocumentsAndTimeline({d["id"]: DocumentInfo(kind=d["kind"], content_type=d["content_type"]) for d in docs},
                                {d["id"] for d in docs if d["referenced"]}, _timeline_of(row.timeline_json))


async def sync_section_references(session: AsyncSession, application_id: str, sections: dict[str, Any], *,
                                  have: set[str] | None = None) -> None:
    """Make the application's ``section`` references exactly the documents its sections name now
    (a document dropped from the sections is no longer the LSP's to read). ``have``: the ones it
    has, if the caller read them already in this transaction."""
    wanted = {doc_id for _, doc_id in referenced_documents(sections)}
    if have is None:
        have = set((await session.execute(
            select(DocumentReference.document_id).where(DocumentReference.application_id == application_id,
                                                        DocumentReference.source == SECTION_REFERENCE)
        )).scalars().all())
    if have - wanted:
        await session.execute(delete(DocumentReference).where(
            DocumentReference.application_id == application_id, DocumentReference.source == SECTION_REFERENCE,
            DocumentReference.document_id.in_(have - wanted)))
    session.add_all(DocumentReference(application_id=application_id, document_id=doc_id, source=SECTION_REFERENCE)
                    for doc_id in sorted(wanted - have))


async def fetchable_document(session: AsyncSession, document_id: str, lsp_code: str | None) -> Document | None:
    """The document, for SIKI (``lsp_code`` None) always; for an LSP only if an application of the
    document's owner that names that LSP and is no longer a draft references it. One indexed
    query; ``None`` both when there is no such document and when the LSP may not read it."""
    stmt = select(Document).where(Document.id == document_id)
    if lsp_code is not None:
        stmt = stmt.where(
            select(DocumentReference.document_id)
            .join(Application, Application.id == DocumentReference.application_id)
            .where(DocumentReference.document_id == Document.id, Application.user_id == Document.user_id,
                   Application.lsp_code == lsp_code, Application.status != ApplicationStatus.DRAFT.value)
            .exists()
        )
    return (await session.execute(stmt)).scalar_one_or_none()


# Built once (the statements are constant; only their parameters change per request).
_TIMELINE = (
    select(TimelineEntry.status, TimelineEntry.at, TimelineEntry.actor, TimelineEntry.note)
    .where(TimelineEntry.application_id == bindparam("application_id"))
    # By the step's seq (a late step goes where it belongs); the portal's own entries, which carry
    # no seq, stay after the steps written before them (as ``domain.applications.in_timeline_order``).
    .order_by(func.coalesce(TimelineEntry.seq,
                            func.max(TimelineEntry.seq).over(partition_by=TimelineEntry.application_id,
                                                             order_by=TimelineEntry.id),
                            0), TimelineEntry.id)
)
# What an application's view shows (everything but the timeline).
VIEW_COLUMNS = (
    Application.id, Application.application_kind, Application.status, Application.submission_no,
    Application.previous_skk_number, Application.lsp_code, Application.created_at, Application.updated_at,
    Application.sections,
    Application.invoice, Application.certificate, Application.reasons,
)
_OWN_VIEW = select(*VIEW_COLUMNS).where(
    Application.id == bindparam("application_id"), Application.user_id == bindparam("user_id"))

TimelineRows = Sequence[Row[str, datetime, str, str | None]]


async def timeline(session: AsyncSession, application_id: str) -> TimelineRows:
    """The application's timeline, oldest first: rows of ``status, at, actor, note`` read from
    the database (plain rows, not ORM objects, so that a view costs little)."""
    return (await session.execute(_TIMELINE, {"application_id": application_id})).all()


class TimelineView(NamedTuple):
    """One timeline entry as :func:`own_application_view` reads it (the columns of ``_TIMELINE``)."""

    status: str
    at: datetime
    actor: str
    note: str | None


# An entry as the JSON views carry it (put in order in Python: :func:`_timeline_of`).
_TIMELINE_FIELDS = {key: getattr(TimelineEntry, key) for key in ("id", "seq", "status", "at", "actor", "note")}


def _view_with_timeline(dialect: str) -> Select[Any]:
    """``_OWN_VIEW`` plus the application's timeline as one JSON array (a correlated subquery,
    shared/sql_json.py), so that the view is one statement and one round trip. The entries carry
    ``id`` and ``seq`` and are put in order in Python (:func:`in_timeline_order`)."""
    entries = json_array(dialect, _TIMELINE_FIELDS, TimelineEntry.application_id == Application.id,
                         label="timeline_json")
    return _OWN_VIEW.add_columns(entries)


_OWN_VIEW_WITH_TIMELINE = {dialect: _view_with_timeline(dialect) for dialect in ("postgresql", "sqlite")}
_DOCUMENTS_AND_TIMELINE = {dialect: _documents_and_timeline(dialect) for dialect in ("postgresql", "sqlite")}


def _timeline_of(entries: list[dict[str, Any]] | None) -> list[TimelineView]:
    written = sorted(entries or (), key=lambda e: int(e["id"]))
    return [TimelineView(e["status"], utc_from_json(e["at"]), e["actor"], e["note"])
            for e in in_timeline_order(written, lambda e: e["seq"])]


async def own_application_view(conn: AsyncConnection, user_id: str,
                               application_id: str) -> tuple[Any, list[TimelineView]] | None:
    """One of the user's applications (``VIEW_COLUMNS``) and its timeline (in the order of
    ``_TIMELINE``), read on a plain connection in one statement: a read-only view needs no ORM
    session, and an applicant's client polls it often (so it goes on the driver's connection
    directly where it can: shared/direct_sql.py)."""
    stmt = _OWN_VIEW_WITH_TIMELINE[conn.dialect.name]
    row = await first_row(conn, stmt, {"application_id": application_id, "user_id": user_id})
    if row is None:
        return None
    return row, _timeline_of(row.timeline_json)


async def last_timeline_entry(session: AsyncSession, application_id: str) -> TimelineEntry | None:
    return (await session.execute(
        select(TimelineEntry).where(TimelineEntry.application_id == application_id)
        .order_by(TimelineEntry.id.desc()).limit(1)
    )).scalar_one_or_none()


def add_timeline(session: AsyncSession, application_id: str, status: str, at: datetime, actor: str,
                 note: str | None = None, seq: int | None = None) -> None:
    if seq is None and status not in SELF_RECORDED_VALUES:
        # The status consumer looks for an unconfirmed entry only for these statuses.
        raise ValueError(f"the portal does not record {status!r} itself; add it to SELF_RECORDED")
    session.add(TimelineEntry(application_id=application_id, status=status, at=at, actor=actor, note=note, seq=seq))


def notify(session: AsyncSession, user_id: str, application_id: str | None, status: str | None, message: str,
           at: datetime) -> None:
    session.add(Notification(id=str(uuid.uuid4()), user_id=user_id, application_id=application_id,
                             status=status, message=message, created_at=at))


async def own_notifications(session: AsyncSession, user_id: str, *, limit: int,
                            offset: int) -> tuple[NotificationRows, int]:
    """One page of the user's notifications, newest first, and how many they have in all."""
    rows = (await session.execute(
        select(Notification.id, Notification.application_id, Notification.status, Notification.message,
               Notification.created_at)
        .where(Notification.user_id == user_id).order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit).offset(offset)
    )).all()
    total = await session.scalar(select(func.count()).select_from(Notification).where(Notification.user_id == user_id))
    return rows, int(total or 0)
