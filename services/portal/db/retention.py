"""The deletions of the retention job (docs/RETENTION.md), one kind of data per function; each
runs in the caller's transaction and answers what it removed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.db.accounts import LinkModel
from services.portal.db.models import (
    ActivationToken,
    Application,
    Document,
    DocumentReference,
    NikBinding,
    Notification,
    PasswordResetToken,
    TimelineEntry,
    User,
)
from shared.contracts.states import ApplicationStatus


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_spent_links(session: AsyncSession, model: LinkModel, before: datetime) -> int:
    """Links used or expired before ``before``."""
    return _rowcount(await session.execute(delete(model).where(
        or_(model.expires_at < before, model.used_at < before))))


async def unactivated_users(session: AsyncSession, created_before: datetime, limit: int) -> list[str]:
    """Accounts created before the date whose password was never set, and that own nothing."""
    owns = [exists().where(t.user_id == User.id) for t in (Application, Document, NikBinding, Notification)]
    stmt = select(User.id).where(User.verified_at.is_(None), User.password_hash.is_(None),
                                 User.created_at < created_before, *[~o for o in owns]).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def delete_users(session: AsyncSession, user_ids: Sequence[str]) -> int:
    for model in (ActivationToken, PasswordResetToken):
        await session.execute(delete(model).where(model.user_id.in_(user_ids)))
    return _rowcount(await session.execute(delete(User).where(User.id.in_(user_ids))))


async def abandoned_drafts(session: AsyncSession, updated_before: datetime, limit: int) -> list[tuple[str, str]]:
    """(application id, user id) of drafts not touched since the date."""
    rows = (await session.execute(select(Application.id, Application.user_id).where(
        Application.status == ApplicationStatus.DRAFT.value, Application.updated_at < updated_before)
        .order_by(Application.updated_at).limit(limit))).all()
    return [(r.id, r.user_id) for r in rows]


async def delete_applications(session: AsyncSession, application_ids: Sequence[str]) -> list[str]:
    """The applications with their timeline, notifications and references: the ids of the
    documents they referenced (which may now be referenced by nothing)."""
    doc_ids = list((await session.execute(select(DocumentReference.document_id).where(
        DocumentReference.application_id.in_(application_ids)))).scalars().all())
    await session.execute(delete(TimelineEntry).where(TimelineEntry.application_id.in_(application_ids)))
    await session.execute(delete(Notification).where(Notification.application_id.in_(application_ids)))
    await session.execute(delete(DocumentReference).where(DocumentReference.application_id.in_(application_ids)))
    await session.execute(delete(Application).where(Application.id.in_(application_ids)))
    return sorted(set(doc_ids))


_UNREFERENCED = ~exists().where(DocumentReference.document_id == Document.id)


async def unreferenced_documents(session: AsyncSession, *, among: Sequence[str] | None = None,
                                 created_before: datetime | None = None, limit: int = 1000) -> list[tuple[str, str]]:
    """(id, sha256) of documents no application references: those of ``among``, or those
    uploaded before ``created_before``."""
    stmt = select(Document.id, Document.sha256).where(_UNREFERENCED)
    if among is not None:
        stmt = stmt.where(Document.id.in_(among))
    if created_before is not None:
        stmt = stmt.where(Document.created_at < created_before)
    rows = (await session.execute(stmt.limit(limit))).all()
    return [(r.id, r.sha256) for r in rows]


async def delete_documents(session: AsyncSession, document_ids: Sequence[str]) -> int:
    """Delete the documents and take them off their accounts' usage (the upload quota's counters),
    by what was deleted: a document another run deleted first is not subtracted twice."""
    deleted = (await session.execute(
        delete(Document).where(Document.id.in_(document_ids)).returning(Document.user_id, Document.size))).all()
    usage: dict[str, tuple[int, int]] = {}
    for user_id, size in deleted:
        count, total = usage.get(user_id, (0, 0))
        usage[user_id] = (count + 1, total + size)
    for user_id, (count, total) in sorted(usage.items()):
        await session.execute(update(User).where(User.id == user_id).values(
            document_count=User.document_count - count, document_bytes=User.document_bytes - total))
    return len(deleted)


async def contents_still_used(session: AsyncSession, digests: Sequence[str]) -> set[str]:
    """Of these SHA-256 digests, those another row still needs the stored bytes of (a document
    of anyone with the same content, or an issued certificate)."""
    docs = (await session.execute(select(Document.sha256).where(Document.sha256.in_(digests)))).scalars().all()
    certs = (await session.execute(select(Application.certificate_sha256).where(
        Application.certificate_sha256.in_(digests)))).scalars().all()
    return {d for d in (*docs, *certs) if d}


async def release_unfixed_bindings(session: AsyncSession, user_ids: Sequence[str]) -> int:
    """NIK bindings never sent to SIKI of the accounts that have no application left."""
    emptied = select(User.id).where(User.id.in_(user_ids), ~exists().where(Application.user_id == User.id))
    return _rowcount(await session.execute(delete(NikBinding).where(
        NikBinding.user_id.in_(emptied), NikBinding.fixed_at.is_(None))))
