"""The LSP staff's pages (SPEC section 8, "People see it"), served by each LSP under ``/``: login
and logout, the worklist, and the application's page with its documents, forms, timeline, audit
trail and the actions the staff member's roles allow. Each page parses, authorises (the session
cookie holds the API's own bearer token) and calls the same use cases as the API; every form
posts with a CSRF token and redirects (POST-redirect-GET), or shows the refusal beside the form."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.lsp.usecases import assessment, decisions, evidence, forms, payments, queries, verification, worklist
from services.lsp.usecases import staff as accounts
from services.lsp.usecases.staff import StaffPrincipal
from services.lsp.web import staff_pages, views
from services.lsp.web.common import ctx_of, error_page, refusal, render, require_staff, signed_in, status_for, ui_of
from shared.contracts.states import ApplicationStatus
from shared.exceptions import DomainError, TooManyRequests, Unauthenticated
from shared.throttle import client_of
from shared.web import FORM

router = APIRouter(include_in_schema=False)
router.include_router(staff_pages.router)

PAGE_SIZE = 25
STYLESHEET = (Path(__file__).parent / "static" / "lsp.css").read_bytes()


@router.get("/lsp-static/lsp.css")
async def stylesheet() -> Response:
    """The staff pages' own styles (beside the shared ``/static/app.css``)."""
    return Response(STYLESHEET, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


# --- login, logout --------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    if await signed_in(request) is not None:
        return ui_of(request).redirect("/kerja")
    return render(request, "lsp_login.html", None)


@router.post("/", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    ui, ctx = ui_of(request), ctx_of(request)
    form = await ui.check_csrf(request)
    username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
    try:
        answer = await accounts.login(ctx, username, password, client_of(request))
    except TooManyRequests as exc:
        wait = (exc.headers or {}).get("Retry-After", "60")
        errors = {FORM: ui.t("lsp.masuk.terlalu_sering", detik=wait)}
        return render(request, "lsp_login.html", None, status_code=429, errors=errors, form={"username": username})
    except Unauthenticated:
        errors = {FORM: ui.t("lsp.masuk.salah"), "password": ui.t("lsp.masuk.salah")}
        return render(request, "lsp_login.html", None, status_code=401, errors=errors, form={"username": username})
    response = ui.login_response("/kerja", answer["access_token"], max_age=ctx.settings.access_token_ttl_seconds)
    ui.flash(response, ui.t("lsp.masuk.berhasil", username=username), "success")
    return response


@router.get("/keluar", response_class=HTMLResponse)
async def logout_page(request: Request) -> Response:
    staff = await require_staff(request)
    return render(request, "lsp_logout.html", staff)


@router.post("/keluar")
async def logout(request: Request) -> Response:
    ui = ui_of(request)
    await ui.check_csrf(request)
    staff = await signed_in(request)
    if staff is not None:
        await accounts.logout(ctx_of(request), staff)  # every session of the account ends
    return ui.flash(ui.logout_response("/"), ui.t("lsp.keluar.berhasil"), "success")


# --- the worklist ---------------------------------------------------------------------------


@router.get("/kerja", response_class=HTMLResponse)
async def worklist_page(request: Request, status: Annotated[str | None, Query(max_length=32)] = None,
                        flag: Annotated[str | None, Query(max_length=32)] = None,
                        halaman: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    staff = await require_staff(request)
    ctx = ctx_of(request)
    chosen = ApplicationStatus(status) if status in {s.value for s in ApplicationStatus} else None
    overdue = flag == "appeal_overdue"
    page = await queries.list_applications(ctx, staff, chosen, PAGE_SIZE, (halaman - 1) * PAGE_SIZE,
                                           flag="appeal_overdue" if overdue else None)
    counts = await worklist.status_counts(ctx, staff)
    pages = max(1, math.ceil(page["total"] / PAGE_SIZE))
    filters = {k: v for k, v in {"status": chosen.value if chosen else None,
                                 "flag": "appeal_overdue" if overdue else None}.items() if v}
    return render(request, "lsp_worklist.html", staff, page=page, counts=counts, statuses=views.STATUS_ORDER,
                  chosen=chosen.value if chosen else "", overdue=overdue, halaman=halaman, pages=pages,
                  filters=filters)


# --- the application's page -----------------------------------------------------------------


async def application_page(request: Request, staff: StaffPrincipal, application_id: str, *,
                           failed: str | None = None, errors: dict[str, str] | None = None,
                           form: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """The whole application (the view is audited), with the refusal of ``failed`` (an action's
    name) beside its form when one was just refused."""
    ctx = ctx_of(request)
    try:
        view = await queries.get_application(ctx, staff, application_id)
    except DomainError as exc:
        return error_page(request, staff, exc)
    actions = views.actions_for(staff, view)
    choices = None
    if "jadwal" in actions:
        found = await worklist.schedule_choices(ctx, staff)
        choices = {"assessors": [(a["username"], f"{a['full_name']} ({a['username']})") for a in found["assessors"]],
                   "tuks": [(k["code"], f"{k['name']} ({k['code']})") for k in found["tuks"]]}
    trail = None
    if staff.has("manajer") or staff.has("admin"):
        trail = await worklist.application_audit_trail(ctx, staff, application_id)
    catalogue = ui_of(request).catalogue
    return render(request, "lsp_application.html", staff, status_code=status_code, app=view, actions=actions,
                  documents=views.documents_of(view), choices=choices, trail=trail, failed=failed,
                  errors=errors or {}, form=form or {}, size_text=views.size_text, utc=views.utc,
                  label=lambda key: views.label_of(str(key), catalogue))


@router.get("/permohonan/{application_id}", response_class=HTMLResponse)
async def application(request: Request, application_id: str) -> Response:
    staff = await require_staff(request)
    return await application_page(request, staff, application_id)


@router.get("/permohonan/{application_id}/dokumen/{document_id}")
async def document(request: Request, application_id: str, document_id: str) -> Response:
    """A document, inline, fetched, checked and audited as ``get_application_document`` does."""
    staff = await require_staff(request)
    try:
        doc = await evidence.open_document(ctx_of(request), staff, application_id, document_id)
    except DomainError as exc:
        return error_page(request, staff, exc)
    return Response(doc.data, media_type=doc.content_type,
                    headers={"Content-Disposition": doc.disposition, "Cache-Control": "no-store",
                             "X-Content-Type-Options": "nosniff"})


@router.get("/permohonan/{application_id}/{form}.pdf")
async def apl_form(request: Request, application_id: str, form: str) -> Response:
    """FR.APL.01 (signed once verified) or FR.APL.02, as ``download_apl01``/``download_apl02``."""
    staff = await require_staff(request)
    if form not in ("apl01", "apl02"):
        return HTMLResponse(status_code=404)
    try:
        pdf, name = await forms.download(ctx_of(request), staff, application_id, form)  # type: ignore[arg-type]
    except DomainError as exc:
        return error_page(request, staff, exc)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


# --- the actions ----------------------------------------------------------------------------

Call = Callable[[StaffPrincipal, Any], Awaitable[Any]]


async def _act(request: Request, application_id: str, name: str, call: Call) -> Response:
    """Check CSRF, call the use case; on success back to the page with a flash, else the page
    again with the refusal beside the form (answered with the use case's status)."""
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    staff = await require_staff(request)
    try:
        await call(staff, form)
    except DomainError as exc:
        return await application_page(request, staff, application_id, failed=name, errors=refusal(request, exc),
                                      form={k: v for k, v in form.items() if k != "csrf_token"},
                                      status_code=status_for(exc))
    response = ui.redirect(f"/permohonan/{application_id}")
    return ui.flash(response, ui.t(f"lsp.aksi.{name}.berhasil"), "success")


@router.post("/permohonan/{application_id}/verifikasi", response_class=HTMLResponse)
async def verify(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        decision = views.one_of(form, "decision", ("accepted", "rejected"))
        override = str(form.get("override_reason") or "").strip() or None
        return await verification.verify_application(ctx_of(request), staff, application_id, decision,  # type: ignore[arg-type]
                                                     views.reasons_of(form.get("reasons")), override)

    return await _act(request, application_id, "verifikasi", call)


@router.post("/permohonan/{application_id}/pembayaran", response_class=HTMLResponse)
async def verify_payment(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        decision = views.one_of(form, "decision", ("valid", "invalid"))
        return await payments.verify_payment(ctx_of(request), staff, application_id, decision,  # type: ignore[arg-type]
                                             views.reasons_of(form.get("reasons")))

    return await _act(request, application_id, "pembayaran", call)


@router.post("/permohonan/{application_id}/mulai", response_class=HTMLResponse)
async def start(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        return await assessment.start_certification(ctx_of(request), staff, application_id)

    return await _act(request, application_id, "mulai", call)


@router.post("/permohonan/{application_id}/jadwal", response_class=HTMLResponse)
async def schedule(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        ctx = ctx_of(request)
        at = views.scheduled_at(form, ctx.tz)
        return await assessment.schedule_assessment(
            ctx, staff, application_id, assessor_username=str(form.get("assessor_username") or ""),
            tuk_code=str(form.get("tuk_code") or ""), scheduled_at=at)

    return await _act(request, application_id, "jadwal", call)


@router.post("/permohonan/{application_id}/laporan", response_class=HTMLResponse)
async def report(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        recommendation = views.one_of(form, "recommendation", ("K", "BK"))
        notes = str(form.get("notes") or "").strip()[:8000] or None
        return await assessment.submit_assessment_report(ctx_of(request), staff, application_id,
                                                         recommendation=recommendation,  # type: ignore[arg-type]
                                                         notes=notes)

    return await _act(request, application_id, "laporan", call)


@router.post("/permohonan/{application_id}/keputusan", response_class=HTMLResponse)
async def decide(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        result = views.one_of(form, "result", ("kompeten", "belum_kompeten"))
        return await decisions.decide_competence(ctx_of(request), staff, application_id,
                                                 result=result)  # type: ignore[arg-type]

    return await _act(request, application_id, "keputusan", call)


@router.post("/permohonan/{application_id}/banding", response_class=HTMLResponse)
async def decide_appeal(request: Request, application_id: str) -> Response:
    async def call(staff: StaffPrincipal, form: Any) -> Any:
        decision = views.one_of(form, "decision", ("upheld", "rejected"))
        return await decisions.decide_appeal(ctx_of(request), staff, application_id,
                                             decision=decision,  # type: ignore[arg-type]
                                             reasons=views.reasons_of(form.get("reasons")))

    return await _act(request, application_id, "banding", call)
