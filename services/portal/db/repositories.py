"""Queries of the portal's tables. Every query of an applicant's data filters by its owner, so
another applicant's id is simply not found."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.models import Application, Document, Notification, TimelineEntry, User
from services.portal.domain.sections import DocumentInfo
from shared.errors import Problem


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def own_application(session: AsyncSession, user_id: str, application_id: str, *,
                          for_update: bool = False) -> Application:
    stmt = select(Application).where(Application.id == application_id, Application.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    app = (await session.execute(stmt)).scalar_one_or_none()
    if app is None:
        raise Problem(404, "application not found",
                      errors=[{"field": "application_id", "message": "no such application of yours"}])
    return app


async def own_document(session: AsyncSession, user_id: str, document_id: str) -> Document:
    doc = (await session.execute(
        select(Document).where(Document.id == document_id, Document.user_id == user_id)
    )).scalar_one_or_none()
    if doc is None:
        raise Problem(404, "document not found",
                      errors=[{"field": "document_id", "message": "no such document of yours"}])
    return doc


async def own_documents(session: AsyncSession, user_id: str) -> dict[str, Document]:
    rows = (await session.execute(select(Document).where(Document.user_id == user_id))).scalars().all()
    return {d.id: d for d in rows}


def document_infos(docs: dict[str, Document]) -> dict[str, DocumentInfo]:
    return {i: DocumentInfo(kind=d.kind, content_type=d.content_type) for i, d in docs.items()}


async def timeline(session: AsyncSession, application_id: str) -> list[TimelineEntry]:
    return list((await session.execute(
        select(TimelineEntry).where(TimelineEntry.application_id == application_id)
        .order_by(TimelineEntry.id)
    )).scalars().all())


async def last_timeline_entry(session: AsyncSession, application_id: str) -> TimelineEntry | None:
    return (await session.execute(
        select(TimelineEntry).where(TimelineEntry.application_id == application_id)
        .order_by(TimelineEntry.id.desc()).limit(1)
    )).scalar_one_or_none()


def add_timeline(session: AsyncSession, application_id: str, status: str, at: datetime, actor: str,
                 note: str | None = None, seq: int | None = None) -> None:
    session.add(TimelineEntry(application_id=application_id, status=status, at=at, actor=actor, note=note, seq=seq))


def notify(session: AsyncSession, user_id: str, application_id: str | None, status: str | None, message: str,
           at: datetime) -> None:
    session.add(Notification(id=str(uuid.uuid4()), user_id=user_id, application_id=application_id,
                             status=status, message=message, created_at=at))


def timeline_json(entries: list[TimelineEntry]) -> list[dict[str, Any]]:
    return [{"status": e.status, "at": e.at.isoformat() if e.at else None, "actor": e.actor, "note": e.note}
            for e in entries]
