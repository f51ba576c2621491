"""What every staff page shares: the LSP's context and :class:`WebUI` of the app serving the
request (one process may host several LSPs, each app its own), the staff member behind the
session cookie (authenticated exactly as the API authenticates its bearer token), and how a
refused use case is shown."""

from __future__ import annotations

from typing import Any, cast

from fastapi import Request
from fastapi.responses import HTMLResponse

from services.lsp.usecases import staff as accounts
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import StaffPrincipal
from shared.errors import DEFAULT_STATUSES, status_of
from shared.exceptions import DomainError, Unauthenticated
from shared.throttle import client_of
from shared.web import FORM, LoginRequired, WebUI, problem_errors

# The LSP's own RoleRefused and StateRefused are Forbidden (403) and Conflict (409) too.
STATUSES = DEFAULT_STATUSES


def ctx_of(request: Request) -> LspContext:
    return cast(LspContext, request.app.state.lsp)


def ui_of(request: Request) -> WebUI:
    return cast(WebUI, request.app.state.lsp_web)


async def signed_in(request: Request) -> StaffPrincipal | None:
    """The staff member whose token the session cookie holds; None without a valid one (expired,
    logged out, account deactivated)."""
    token = ui_of(request).token(request)
    if not token:
        return None
    try:
        return await accounts.authenticate(ctx_of(request), token, client=client_of(request))
    except Unauthenticated:
        return None


async def require_staff(request: Request) -> StaffPrincipal:
    """The signed-in staff member, else :class:`LoginRequired` (a redirect to the login page)."""
    staff = await signed_in(request)
    if staff is None:
        raise LoginRequired()
    return staff


def render(request: Request, template: str, staff: StaffPrincipal | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """A page with the layout's shared context: the LSP, the signed-in staff member, the nav."""
    ctx = ctx_of(request)
    return ui_of(request).render(request, template, status_code=status_code, staff=staff,
                                 lsp_name=ctx.settings.lsp_name, lsp_code=ctx.code,
                                 is_manager=staff is not None and staff.has("manajer"), **context)


def status_for(exc: DomainError) -> int:
    return status_of(exc, STATUSES)


def refusal(request: Request, exc: DomainError) -> dict[str, str]:
    """``{field: message}`` of a refused use case, with the whole refusal under ``_form``
    ("Tidak dapat dilakukan (409): ...")."""
    errors = problem_errors(exc)
    errors[FORM] = ui_of(request).t("lsp.permohonan.ditolak", kode=status_for(exc), pesan=exc.detail)
    return errors


def error_page(request: Request, staff: StaffPrincipal | None, exc: DomainError) -> HTMLResponse:
    """A page the use case refused to show (403, 404, 502, 503, ...)."""
    ui = ui_of(request)
    code = status_for(exc)
    message = ui.t(f"lsp.galat.{code}") if f"lsp.galat.{code}" in ui.catalogue else ""
    return render(request, "lsp_error.html", staff, status_code=code, title=ui.t("lsp.galat.judul"),
                  message=message, detail=ui.t("lsp.galat.umum", kode=code, pesan=exc.detail))
