"""What SIKI's reads select: an application's timeline, its certificate, the SKK register of a
NIK and the webhook delivery log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import AnyRow
from services.siki.db.models import Application, SkkHeld, StoredDocument, TimelineEntry, WebhookAttempt, WebhookDelivery
from services.siki.db.register import IN_PROGRESS_VALUES
from shared.direct_sql import first_row

_APP_HEAD = select(Application.id, Application.status, Application.lsp_code).where(
    Application.id == bindparam("application_id"))
_TIMELINE = (
    select(TimelineEntry.seq, TimelineEntry.status, TimelineEntry.at, TimelineEntry.actor, TimelineEntry.note,
           TimelineEntry.reasons)
    .where(TimelineEntry.application_id == bindparam("application_id"))
    .order_by(TimelineEntry.seq)
)
_CERTIFICATE_PDF = (
    select(Application.certificate_pdf_sha256, StoredDocument.content)
    .select_from(Application)
    .outerjoin(StoredDocument, StoredDocument.sha256 == Application.certificate_pdf_sha256)
    .where(Application.id == bindparam("application_id"))
)


async def timeline(conn: AsyncConnection, application_id: str) -> tuple[AnyRow | None, Sequence[AnyRow]]:
    """The application's id, status and LSP (None if unknown) and its timeline entries, oldest
    first; call it in one transaction so that both agree."""
    params = {"application_id": application_id}
    app = (await conn.execute(_APP_HEAD, params)).first()
    if app is None:
        return None, []
    return app, (await conn.execute(_TIMELINE, params)).all()


async def certificate_pdf(conn: AsyncConnection, application_id: str) -> AnyRow | None:
    """``certificate_pdf_sha256`` and ``content`` (either None if there is no certificate yet),
    or None if the application is unknown."""
    return await first_row(conn, _CERTIFICATE_PDF, {"application_id": application_id})


async def skk_of(s: AsyncSession, nik: str) -> tuple[list[SkkHeld], list[Application]]:
    """The NIK's SKK (oldest first) and its applications in progress (oldest first)."""
    skk = list((await s.execute(select(SkkHeld).where(SkkHeld.nik_index == nik)  # its blind index
                                .order_by(SkkHeld.issued_on))).scalars())
    apps = list((await s.execute(
        select(Application).where(Application.nik_index == nik, Application.status.in_(IN_PROGRESS_VALUES))
        .order_by(Application.created_at)
    )).scalars())
    return skk, apps


async def deliveries(s: AsyncSession, *, application_id: str | None, lsp_code: str | None, status: str | None,
                     limit: int, offset: int) -> tuple[list[WebhookDelivery], dict[str, list[WebhookAttempt]], int]:
    """One page of the deliveries that match, newest first, their attempts by delivery id (in
    order), and how many match in all."""
    conditions = []
    if application_id:
        conditions.append(WebhookDelivery.application_id == application_id)
    if lsp_code:
        conditions.append(WebhookDelivery.lsp_code == lsp_code)
    if status:
        conditions.append(WebhookDelivery.status == status)
    q = (select(WebhookDelivery).where(*conditions)
         .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id).limit(limit).offset(offset))
    rows = list((await s.execute(q)).scalars())
    total = int(await s.scalar(select(func.count()).select_from(WebhookDelivery).where(*conditions)) or 0)
    ids = [r.id for r in rows]
    attempts = list((await s.execute(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt_no)
    )).scalars()) if ids else []
    by_delivery: dict[str, list[WebhookAttempt]] = {}
    for a in attempts:
        by_delivery.setdefault(a.delivery_id, []).append(a)
    return rows, by_delivery, total

