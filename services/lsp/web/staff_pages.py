"""The manager's staff administration (``/staf``: list, create, change roles or active, send a
fresh activation link) and the page the emailed activation link opens (``/aktivasi-staf``),
each calling the use cases of ``usecases/staff_admin.py`` as the API does."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.lsp.usecases import staff_admin
from services.lsp.usecases.staff import require_role
from services.lsp.web import views
from services.lsp.web.common import (
    ctx_of,
    error_page,
    refusal,
    render,
    require_staff,
    signed_in,
    status_for,
    ui_of,
)
from shared.exceptions import DomainError
from shared.throttle import client_of

router = APIRouter(include_in_schema=False)
STAFF_PAGE = 100


async def _staff_page(request: Request, *, halaman: int = 1, errors: dict[str, str] | None = None,
                      form: dict[str, object] | None = None, status_code: int = 200) -> Response:
    staff = await require_staff(request)
    try:
        require_role(staff, ("manajer",))
        page = await staff_admin.list_staff(ctx_of(request), staff, limit=STAFF_PAGE,
                                            offset=(halaman - 1) * STAFF_PAGE)
    except DomainError as exc:
        return error_page(request, staff, exc)
    return render(request, "lsp_staff.html", staff, status_code=status_code, page=page, roles=views.STAFF_ROLES,
                  errors=errors or {}, form=form or {}, halaman=halaman)


@router.get("/staf", response_class=HTMLResponse)
async def staff_list(request: Request, halaman: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    return await _staff_page(request, halaman=halaman)


@router.post("/staf", response_class=HTMLResponse)
async def create_staff(request: Request) -> Response:
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    staff = await require_staff(request)
    roles = views.roles_of(form)
    values = {k: str(form.get(k) or "").strip()
              for k in ("username", "full_name", "email", "asesor_registration_number")}
    try:
        made = await staff_admin.create_staff(ctx_of(request), staff, username=values["username"],
                                              full_name=values["full_name"], email=values["email"], roles=roles,
                                              asesor_registration_number=values["asesor_registration_number"] or None)
    except DomainError as exc:
        errors = refusal(request, exc)
        return await _staff_page(request, errors=errors, form={**values, "roles": roles},
                                 status_code=status_for(exc))
    response = ui.redirect("/staf")
    return ui.flash(response, ui.t("lsp.staf.dibuat", username=made["username"], email=made["email"]), "success")


@router.post("/staf/{username}", response_class=HTMLResponse)
async def update_staff(request: Request, username: str) -> Response:
    """Roles and active from the row's form; ``resend`` sends a fresh activation link instead."""
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    staff = await require_staff(request)
    resend = form.get("resend") == "1"
    try:
        if resend:
            await staff_admin.update_staff(ctx_of(request), staff, username, resend_activation=True)
        else:
            await staff_admin.update_staff(ctx_of(request), staff, username, roles=views.roles_of(form),
                                           active=form.get("active") == "1")
    except DomainError as exc:
        response = ui.redirect("/staf")
        return ui.flash(response, f"{username}: {refusal(request, exc)['_form']}", "error")
    message = "lsp.staf.tautan_dikirim" if resend else "lsp.staf.diubah"
    return ui.flash(ui.redirect("/staf"), ui.t(message, username=username), "success")


# --- the page the emailed activation link opens ---------------------------------------------


@router.get("/aktivasi-staf", response_class=HTMLResponse)
async def activation_page(request: Request, token: Annotated[str, Query(max_length=256)] = "") -> Response:
    """The form setting the password with the link's token (kept in a hidden field)."""
    errors = {} if token else {"_form": ui_of(request).t("lsp.aktivasi.tanpa_token")}
    return render(request, "lsp_activation.html", await signed_in(request), token=token, errors=errors)


@router.post("/aktivasi-staf", response_class=HTMLResponse)
async def activate(request: Request) -> Response:
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    token = str(form.get("token") or "")[:256]
    try:
        done = await staff_admin.activate_staff(ctx_of(request), token, str(form.get("password") or ""),
                                                str(form.get("password_repeat") or ""), client_of(request))
    except DomainError as exc:
        return render(request, "lsp_activation.html", None, status_code=status_for(exc), token=token,
                      errors=refusal(request, exc))
    return ui.flash(ui.redirect("/"), ui.t("lsp.aktivasi.berhasil", username=done["username"]), "success")
