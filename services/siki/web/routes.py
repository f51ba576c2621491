"""SIKI's operator pages: login and logout, the register looked up by NIK, the LSP registry, and
(deliveries.py) webhook deliveries, dead letters and refused status reports.

Operators log in as on the API (``create_operator_session``); the session cookie holds that same
bearer token, so every page authorises exactly as the API does, with the same roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from services.siki.settings import SikiSettings
from services.siki.usecases import queries, registry
from services.siki.web import deliveries
from services.siki.web.common import (
    PAGE_SIZE,
    TEMPLATES,
    RoleRefused,
    actor,
    operators_of,
    render,
    safe_next,
    signed_in,
    siki_of,
    ui_of,
    web_secret,
)
from shared.contracts.siki import SkkQuery
from shared.exceptions import TooManyRequests, Unauthenticated
from shared.operators_api import OperatorLogin
from shared.settings import Mode
from shared.throttle import client_of
from shared.web import FORM, WebUI, problem_errors

router = APIRouter(include_in_schema=False)
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/")
async def home(request: Request) -> RedirectResponse:
    return ui_of(request).redirect("/pengiriman")


@router.get("/masuk", response_class=HTMLResponse)
async def login_page(request: Request, next: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    return render(request, "masuk.html", None, title=ui_of(request).t("siki.masuk.judul"),
                  form={"email": "", "next": safe_next(next, "/pengiriman")})


@router.post("/masuk", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    email, password = str(form.get("email") or "").strip(), str(form.get("password") or "")
    values = {"email": email, "next": safe_next(form.get("next"), "/pengiriman")}
    title = ui.t("siki.masuk.judul")
    try:
        OperatorLogin(email=email, password=password)
    except ValidationError as exc:
        return render(request, "masuk.html", None, status_code=422, title=title, form=values,
                      errors=problem_errors(exc))
    try:
        session = await operators_of(request).login(email, password, client=client_of(request))
    except Unauthenticated:
        return render(request, "masuk.html", None, status_code=401, title=title, form=values,
                      errors={FORM: ui.t("siki.masuk.salah")})
    except TooManyRequests as exc:
        wait = (exc.headers or {}).get("Retry-After", "60")
        response = render(request, "masuk.html", None, status_code=429, title=title, form=values,
                          errors={FORM: ui.t("siki.masuk.terlalu_sering", detik=wait)})
        response.headers["Retry-After"] = wait
        return response
    return ui.login_response(values["next"], session.access_token, max_age=session.expires_in)


@router.post("/keluar")
async def logout(request: Request) -> Response:
    ui = ui_of(request)
    await ui.check_csrf(request)
    operator = await signed_in(request)
    await operators_of(request).logout(operator)  # every token of this operator is refused from now on
    return ui.flash(ui.logout_response("/masuk"), ui.t("siki.masuk.keluar_berhasil"), "success")


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    operator = await signed_in(request, "register")
    return render(request, "register.html", operator, title=ui_of(request).t("siki.register.judul"),
                  form={"nik": ""})


@router.post("/register", response_class=HTMLResponse)
async def register_lookup(request: Request) -> HTMLResponse:
    """The NIK goes in the form body, never in a URL; the use case audits every lookup."""
    ui = ui_of(request)
    form = await ui.check_csrf(request)
    operator = await signed_in(request, "register")
    nik = str(form.get("nik") or "").strip()
    title = ui.t("siki.register.judul")
    try:
        query = SkkQuery(nik=nik)
    except ValidationError:
        return render(request, "register.html", operator, status_code=422, title=title, form={"nik": nik},
                      errors={"nik": ui.t("siki.register.nik_salah")})
    found = await queries.skk_by_nik(siki_of(request), query.nik, actor=actor(operator, request))
    return render(request, "register.html", operator, title=title, form={"nik": nik}, found=found)


@router.get("/lsp", response_class=HTMLResponse)
async def lsp_registry(request: Request, offset: Offset = 0) -> HTMLResponse:
    operator = await signed_in(request, "registry", "deliveries")
    items, total = await registry.list_lsps(siki_of(request), limit=PAGE_SIZE, offset=offset)
    return render(request, "lsp.html", operator, title=ui_of(request).t("siki.lsp.judul"), lsps=items,
                  total=total, offset=offset, page_size=PAGE_SIZE)


def install_web(app: FastAPI, settings: SikiSettings) -> None:
    """The operator pages and their static files (app.py calls this after install_operators)."""
    ui = WebUI("siki", TEMPLATES, secret=web_secret(settings), secure_cookies=settings.mode == Mode.PRODUCTION,
               login_url="/masuk")
    ui.install(app)
    app.state.web_ui = ui

    async def role_refused(request: Request, exc: Exception) -> Response:
        roles = ", ".join(exc.roles) if isinstance(exc, RoleRefused) else ""
        return render(request, "error.html", None, status_code=403, title=ui.t("siki.peran.judul"),
                      message=ui.t("siki.peran.isi", peran=roles))

    app.add_exception_handler(RoleRefused, role_refused)
    app.include_router(router)
    app.include_router(deliveries.router)
