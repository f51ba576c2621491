"""The applicant's own pages once signed in: the dashboard of applications (status and next
step), one application (timeline with reasons, invoice with its countdown in working days, the
payment proof upload, the schedule, the appeal, the downloads), the notifications, and the files
(e-certificate, FR.APL.01/02) streamed with the cookie session."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.portal.api.schemas import AppealRequest
from services.portal.domain.applications import APPEAL_ALLOWED, DOWNLOADABLE, EDITABLE, PROOF_ALLOWED
from services.portal.usecases.views import ApplicationOut
from services.portal.web.pages import Page, applicant
from shared.calendar import indonesian_holidays
from shared.contracts.states import ApplicationStatus as S
from shared.exceptions import DomainError, Invalid, NotFound
from shared.web import sisa_hari_kerja, today_jakarta

router = APIRouter(include_in_schema=False)

NEW_APPLICATION_PAGE = "/permohonan/baru"  # the form's own page (form_routes), when installed
FIRST_STEP = "/permohonan/{id}/langkah/1"
# The LSP sends FR.APL.01/02 once it has the application: from then on the links are shown.
FORMS_SENT = frozenset(S) - {S.DRAFT, S.SUBMITTED, S.FORWARDED, S.RETURNED, S.WITHDRAWN}
PAGE_SIZE = 50


def _new_application_url(request: Request) -> str | None:
    paths = {getattr(route, "path", "") for route in request.app.routes}
    return NEW_APPLICATION_PAGE if NEW_APPLICATION_PAGE in paths else None


@router.get("/dasbor")
async def dashboard(request: Request) -> Response:
    p, user_id = await applicant(request)
    items, total = await p.uc.applications.list_own(user_id, limit=PAGE_SIZE, offset=0)
    held = await p.uc.applications.held_certificates(user_id)
    new_url = _new_application_url(request)
    # The renewal and change buttons post to the form's own page when installed (it reads jenis, skk).
    return p.render("dashboard.html", title=p.t("dasbor.judul"), applications=items, total=total,
                    new_url=new_url, held=held, create_url=new_url or "/permohonan/buat", today=date.today())


@router.post("/permohonan/buat")
async def create_application(request: Request) -> Response:
    """A new application (kind "baru") when the form's own page for it is not installed."""
    p, user_id = await applicant(request)
    form = await p.ui.check_csrf(request)
    kind, skk = str(form.get("jenis") or "baru"), str(form.get("skk") or "").strip() or None
    try:
        app = await p.uc.applications.create(user_id, kind, skk if kind != "baru" else None)
    except DomainError as exc:
        return p.ui.flash(p.ui.redirect("/dasbor"), next(iter(p.errors(exc).values()), ""), "error")
    return p.ui.flash(p.ui.redirect(FIRST_STEP.format(id=app.id)), p.t("dasbor.dibuat"), "success")


def _calendar(p: Page) -> Any:
    cached = getattr(p.request.app.state, "web_calendar", None)
    if cached is None:
        cached = indonesian_holidays(p.portal.settings.count_collective_leave)
        p.request.app.state.web_calendar = cached
    return cached


def _actor(p: Page, actor: str) -> str:
    key = f"permohonan.aktor.{actor}"
    return p.t(key) if key in p.ui.catalogue else actor


def _view(p: Page, app: ApplicationOut) -> dict[str, Any]:
    """What the application's page shows besides the application itself."""
    status = S(app.status)
    view: dict[str, Any] = {
        "editable": status in EDITABLE, "proof_allowed": status in PROOF_ALLOWED,
        "appeal_allowed": status in APPEAL_ALLOWED, "downloadable": status in DOWNLOADABLE,
        "forms_sent": status in FORMS_SENT, "first_step": FIRST_STEP.format(id=app.id),
        "schedule": [e for e in app.timeline if e.status == S.SCHEDULED],
        "days_left": None, "appeal_last_day": None, "actor_label": lambda actor: _actor(p, actor),
    }
    if app.invoice is not None and status in (S.INVOICED, S.PAYMENT_REJECTED, S.PAYMENT_UPLOADED):
        view["days_left"] = sisa_hari_kerja(app.invoice.due_date, today_jakarta(), _calendar(p))
    decided = [e.at for e in app.timeline if e.status == S.NOT_YET_COMPETENT and e.at is not None]
    if view["appeal_allowed"] and decided:
        view["appeal_last_day"] = p.uc.appeals.last_day(decided[-1])
    return view


async def _application_page(request: Request, application_id: str, *, status_code: int = 200,
                            errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    p, user_id = await applicant(request)
    try:
        app = await p.uc.applications.get(user_id, application_id)
    except NotFound:
        return p.not_found()
    return p.render("application.html", status_code=status_code, title=p.t("permohonan.judul", nomor=app.id[:8]),
                    app=app, errors=errors or {}, form=form or {}, now=datetime.now(UTC), **_view(p, app))


@router.get("/permohonan/{application_id:uuid}")
async def application_page(request: Request, application_id: UUID) -> Response:
    return await _application_page(request, str(application_id))


@router.post("/permohonan/{application_id:uuid}/bukti-bayar", operation_id="web_payment_proof")
async def upload_payment_proof(request: Request, application_id: UUID) -> Response:
    p, user_id = await applicant(request)
    form = await p.ui.check_csrf(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid.field("file", "Wajib diisi.")
        await p.uc.payments.upload_proof(user_id, str(application_id), upload)
    except NotFound:
        return p.not_found()
    except DomainError as exc:
        return await _application_page(request, str(application_id), status_code=400, errors=p.errors(exc))
    return p.ui.flash(p.ui.redirect(f"/permohonan/{application_id}"), p.t("permohonan.bukti_terkirim"), "success")


@router.post("/permohonan/{application_id:uuid}/banding")
async def file_appeal(request: Request, application_id: UUID) -> Response:
    p, user_id = await applicant(request)
    form = await p.ui.check_csrf(request)
    reason = form.get("reason")
    reason = reason if isinstance(reason, str) else ""
    try:
        body = AppealRequest(reason=reason)
        await p.uc.appeals.file(user_id, str(application_id), body.reason)
    except NotFound:
        return p.not_found()
    except (ValidationError, DomainError) as exc:
        return await _application_page(request, str(application_id), status_code=400, errors=p.errors(exc),
                                       form={"reason": reason})
    return p.ui.flash(p.ui.redirect(f"/permohonan/{application_id}"), p.t("permohonan.banding_terkirim"), "success")


def _pdf(data: bytes, content_type: str, sha256: str, filename: str, disposition: str) -> Response:
    return Response(data, media_type=content_type,
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"',
                             "X-Content-SHA256": sha256})


@router.get("/permohonan/{application_id:uuid}/sertifikat")
async def download_certificate(request: Request, application_id: UUID) -> Response:
    p, user_id = await applicant(request)
    try:
        pdf = await p.uc.certificates.download(user_id, str(application_id))
    except NotFound:
        return p.not_found()
    except DomainError as exc:
        return await _application_page(request, str(application_id), status_code=400, errors=p.errors(exc))
    return _pdf(pdf.data, pdf.content_type, pdf.sha256, f"SKK-{application_id}.pdf", "attachment")


@router.get("/permohonan/{application_id:uuid}/formulir/{form}")
async def download_form(request: Request, application_id: UUID, form: Literal["apl01", "apl02"]) -> Response:
    p, user_id = await applicant(request)
    try:
        if p.uc.forms is None:
            raise NotFound("forms not kept by this portal")
        pdf = await p.uc.forms.download(user_id, str(application_id), form)
    except NotFound:
        return p.render("error.html", status_code=404, title=p.t("galat.tidak_ditemukan_judul"),
                        message=p.t("permohonan.belum_tersedia"))
    except DomainError as exc:
        return await _application_page(request, str(application_id), status_code=400, errors=p.errors(exc))
    name = "FR.APL.01" if form == "apl01" else "FR.APL.02"
    return _pdf(pdf.data, pdf.content_type, pdf.sha256, f"{name}-{application_id}.pdf", "inline")


@router.get("/notifikasi")
async def notifications(request: Request) -> Response:
    p, user_id = await applicant(request)
    items, total = await p.uc.notifications.list_own(user_id, limit=PAGE_SIZE, offset=0)
    return p.render("notifications.html", title=p.t("notifikasi.judul"), notifications=items, total=total)
