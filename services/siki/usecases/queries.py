"""SIKI's reads: an application's timeline and e-certificate, the SKK register of a NIK, and
the webhook delivery log (with the answers they serialise to)."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.siki.db import queries
from services.siki.db.common import aware, aware_or_none
from services.siki.db.models import Application, SkkHeld, WebhookAttempt
from services.siki.domain.limits import can_renew, counts_as_held, is_valid
from services.siki.usecases.context import Actor, SikiContext, utcnow
from shared.contracts.siki import (
    ApplicationInProgress,
    DeliveryStatus,
    RegisteredSkk,
    SkkByNik,
    TimelineEntryOut,
    TimelineOut,
    WebhookAttemptOut,
    WebhookDeliveryOut,
)
from shared.contracts.states import CertificateStatus
from shared.database import autocommit_read, read_session
from shared.exceptions import NotFound
from shared.reference.identity import mask_nik


async def timeline(ctx: SikiContext, application_id: str) -> TimelineOut:
    """The application's timeline, oldest first, read in one transaction on a plain connection."""
    async with ctx.engine.connect() as conn:
        app, rows = await queries.timeline(conn, application_id)
    if app is None:
        raise NotFound(f"application {application_id} not found")
    entries = [TimelineEntryOut(seq=r.seq, status=r.status, at=aware(r.at), actor=r.actor, note=r.note,
                                reasons=list(r.reasons or [])) for r in rows]
    # The status is the last timeline entry: both come from one read of the timeline, so they
    # cannot disagree even when a step commits between the two queries.
    return TimelineOut(application_id=app.id, status=entries[-1].status if entries else app.status,
                       lsp_code=app.lsp_code, timeline=entries)


async def certificate_pdf(ctx: SikiContext, application_id: str) -> bytes:
    async with autocommit_read(ctx.engine) as conn:
        row = await queries.certificate_pdf(conn, application_id)
    if row is None:
        raise NotFound(f"application {application_id} not found")
    if not row.certificate_pdf_sha256 or row.content is None:
        raise NotFound(f"e-certificate of application {application_id} not found")
    return bytes(row.content)


async def skk_by_nik(ctx: SikiContext, nik: str, *, actor: Actor) -> SkkByNik:
    """The register's answer for a NIK; the lookup itself is audited (who, when, the NIK masked)."""
    today = utcnow().date()
    async with read_session(ctx.sessions) as s:
        skk, apps = await queries.skk_of(s, nik)
    await ctx.auditor.record_alone(ctx.sessions, actor=actor.name, action="register.nik_lookup", target_type="nik",
                                   target_id=mask_nik(nik), client=actor.client,
                                   detail={"skk_found": len(skk), "applications_in_progress": len(apps)})
    return SkkByNik(skk=[_skk_out(k, today) for k in skk], applications_in_progress=[_in_progress(a) for a in apps])


async def list_deliveries(ctx: SikiContext, *, application_id: str | None = None, lsp_code: str | None = None,
                          status: DeliveryStatus | None = None, limit: int,
                          offset: int = 0) -> tuple[list[WebhookDeliveryOut], int]:
    """One page of the delivery log, newest first, and how many deliveries match in all."""
    async with read_session(ctx.sessions) as s:
        rows, attempts, total = await queries.deliveries(s, application_id=application_id, lsp_code=lsp_code,
                                                         status=status, limit=limit, offset=offset)
    return [delivery_out(r, attempts.get(r.id, [])) for r in rows], total


def delivery_out(row: Any, attempts: list[WebhookAttempt], **overrides: Any) -> WebhookDeliveryOut:
    """A delivery (an ORM row or a row of its columns) with its attempts; ``overrides``: columns
    changed since the row was read."""
    values = {
        "id": row.id, "application_id": row.application_id, "lsp_code": row.lsp_code, "type": row.type,
        "status": row.status, "attempt_count": row.attempt_count, "redeliveries": row.redeliveries,
        "last_error": row.last_error, "created_at": aware(row.created_at),
        "delivered_at": aware_or_none(row.delivered_at), **overrides,
    }
    return WebhookDeliveryOut(**values, attempts=[
        WebhookAttemptOut(attempt_no=a.attempt_no, at=aware(a.at), status_code=a.status_code,
                          response_excerpt=a.response_excerpt, error=a.error, duration_ms=a.duration_ms)
        for a in attempts
    ])


def _skk_out(k: SkkHeld, today: date) -> RegisteredSkk:
    status = CertificateStatus(k.status)
    return RegisteredSkk(
        recording_number=k.recording_number, skk_number=k.skk_number, registration_number=k.registration_number,
        lsp_code=k.lsp_code, application_id=k.application_id, klasifikasi_code=k.klasifikasi_code,
        subklasifikasi_code=k.subklasifikasi_code, kualifikasi=k.kualifikasi,
        jabatan_kerja_code=k.jabatan_kerja_code, jenjang=k.jenjang, issued_on=k.issued_on,
        valid_until=k.valid_until, revoked=k.revoked, valid=is_valid(status, k.valid_until, today),
        status=status, status_reason=k.status_reason, superseded_by=k.superseded_by,
        counts_as_held=counts_as_held(status, k.valid_until, today), renewable=can_renew(status),
    )


def _in_progress(a: Application) -> ApplicationInProgress:
    return ApplicationInProgress(
        id=a.id, status=a.status, lsp_code=a.lsp_code, kualifikasi=a.kualifikasi,
        klasifikasi_code=a.klasifikasi_code, subklasifikasi_code=a.subklasifikasi_code,
        jabatan_kerja_code=a.jabatan_kerja_code, jenjang=a.jenjang,
    )
