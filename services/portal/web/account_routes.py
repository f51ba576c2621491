"""The applicant's account pages: the landing page with the login form, registration (with the
data-truth consent), activation and password reset from the emailed links (``/activate`` and
``/reset-password``, the paths the emails link to), login and logout. Every form is a POST with
its CSRF token, answered by a redirect (or the form again, its errors beside the fields)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from services.portal.api.deps import current_user
from services.portal.api.schemas import RegisterRequest
from services.portal.usecases.accounts import NewAccount
from services.portal.web.pages import page
from shared.exceptions import DomainError, Invalid, TooManyRequests, Unauthenticated
from shared.web import FORM

router = APIRouter(include_in_schema=False)

DASHBOARD = "/dasbor"
LOGIN = "/masuk"
REGISTER_FIELDS = ("first_name", "last_name", "email", "phone")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/")
async def landing(request: Request) -> Response:
    p = page(request)
    if p.ui.token(request):
        return p.ui.redirect(DASHBOARD)
    return p.render("landing.html", title=p.t("beranda.judul"))


@router.get(LOGIN)
async def login_page(request: Request) -> Response:
    p = page(request)
    return p.render("login.html", title=p.t("akun.masuk_judul"))


@router.post(LOGIN)
async def login(request: Request) -> Response:
    p = page(request)
    form = await p.ui.check_csrf(request)
    email, password = _text(form, "email"), form.get("password")
    try:
        token = await p.uc.logins.login(email, password if isinstance(password, str) else "", p.client)
    except TooManyRequests:
        errors = {FORM: p.t("akun.terlalu_sering")}
    except Unauthenticated:
        errors = {FORM: p.t("akun.salah_masuk")}
    except DomainError as exc:
        errors = p.errors(exc)
    else:
        return p.ui.login_response(DASHBOARD, token.token, max_age=token.expires_in)
    return p.render("login.html", status_code=400, title=p.t("akun.masuk_judul"), errors=errors,
                    form={"email": email})


@router.post("/keluar")
async def logout(request: Request) -> Response:
    p = page(request)
    await p.ui.check_csrf(request)
    token = p.ui.token(request)
    if token:
        try:
            user = await current_user(token, p.portal)
        except Unauthenticated:
            pass
        else:
            await p.uc.logins.logout(user.id, p.client)  # ends every session, as the API's logout does
    return p.ui.flash(p.ui.logout_response("/"), p.t("akun.keluar_berhasil"), "success")


@router.get("/daftar")
async def register_page(request: Request) -> Response:
    p = page(request)
    return p.render("register.html", title=p.t("akun.daftar_judul"), form={"is_individual": "1"})


@router.post("/daftar")
async def register(request: Request) -> Response:
    p = page(request)
    form = await p.ui.check_csrf(request)
    values = {name: _text(form, name) for name in REGISTER_FIELDS}
    values["is_individual"] = "1" if form.get("is_individual") == "1" else ""
    values["data_truth_consent"] = "1" if form.get("data_truth_consent") == "1" else ""
    try:
        body = RegisterRequest(**{n: values[n] for n in REGISTER_FIELDS}, is_individual=bool(values["is_individual"]),
                               data_truth_consent=bool(values["data_truth_consent"]))
        if not body.data_truth_consent:
            raise _consent_missing()
        await p.uc.accounts.register(NewAccount(**body.model_dump()), p.client)
    except (ValidationError, DomainError) as exc:
        errors = p.errors(exc)
        if not values["data_truth_consent"]:
            errors["data_truth_consent"] = p.t("akun.persetujuan_wajib")
        return p.render("register.html", status_code=400, title=p.t("akun.daftar_judul"), errors=errors,
                        form=values)
    return p.ui.flash(p.ui.redirect(LOGIN), p.t("akun.daftar_terkirim"), "success")


def _consent_missing() -> DomainError:
    return Invalid.field("data_truth_consent", "the data-truth statement must be accepted")


@router.get("/activate")
async def activation_page(request: Request, token: str = "") -> Response:
    p = page(request)
    errors = {} if token else {FORM: p.t("akun.tautan_tidak_ada")}
    return p.render("activate.html", title=p.t("akun.aktivasi_judul"), token=token, errors=errors)


@router.post("/activate")
async def activate(request: Request) -> Response:
    p = page(request)
    form = await p.ui.check_csrf(request)
    token, password, repeat = _text(form, "token"), form.get("password"), form.get("password_repeat")
    try:
        await p.uc.accounts.activate(token, password if isinstance(password, str) else "",
                                     repeat if isinstance(repeat, str) else "", p.client)
    except DomainError as exc:
        errors = _link_errors(p.errors(exc))
        return p.render("activate.html", status_code=400, title=p.t("akun.aktivasi_judul"), token=token,
                        errors=errors)
    return p.ui.flash(p.ui.redirect(LOGIN), p.t("akun.aktivasi_berhasil"), "success")


def _link_errors(errors: dict[str, str]) -> dict[str, str]:
    """The link's own error (a hidden field) is shown above the form."""
    if "token" in errors:
        errors[FORM] = errors.pop("token")
    return errors


@router.post("/aktivasi/kirim-ulang")
async def resend_activation(request: Request) -> Response:
    p = page(request)
    form = await p.ui.check_csrf(request)
    email = _text(form, "email")
    try:
        await p.uc.accounts.resend_activation(email, p.client)
    except DomainError as exc:
        return p.render("activate.html", status_code=400, title=p.t("akun.aktivasi_judul"), token="",
                        resend_errors=p.errors(exc), form={"email": email})
    return p.ui.flash(p.ui.redirect(LOGIN), p.t("akun.kirim_ulang_terkirim"), "info")


@router.get("/reset-password")
async def reset_page(request: Request, token: str = "") -> Response:
    p = page(request)
    return p.render("reset_password.html", title=p.t("akun.reset_judul"), token=token)


@router.post("/reset-password")
async def reset(request: Request) -> Response:
    p = page(request)
    form = await p.ui.check_csrf(request)
    token = _text(form, "token")
    if not token:  # asking for a link: the same answer whether or not the address has an account
        email = _text(form, "email")
        try:
            await p.uc.password_resets.request(email, p.client)
        except DomainError as exc:
            return p.render("reset_password.html", status_code=400, title=p.t("akun.reset_judul"), token="",
                            errors=p.errors(exc), form={"email": email})
        return p.ui.flash(p.ui.redirect(LOGIN), p.t("akun.reset_terkirim"), "info")
    password, repeat = form.get("password"), form.get("password_repeat")
    try:
        await p.uc.password_resets.reset(token, password if isinstance(password, str) else "",
                                         repeat if isinstance(repeat, str) else "", p.client)
    except DomainError as exc:
        return p.render("reset_password.html", status_code=400, title=p.t("akun.reset_judul"), token=token,
                        errors=_link_errors(p.errors(exc)))
    return p.ui.flash(p.ui.logout_response(LOGIN), p.t("akun.reset_berhasil"), "success")
