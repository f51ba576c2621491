"""LPJK's public verification page (no login): a recording number typed from the certificate, a
QR code's content pasted, or the certificate PDF uploaded. The certificate's QR code
(``/V/{payload}``, ``qr_code_target``) sends a browser to ``/verifikasi/{number}?qr=<payload>``, as
the QR codes printed before it do (``?qr=<JWS>``: qr_target.py sends browsers there from the API URL
they encode); ``/verifikasi?qr=<payload>`` takes a bare payload or the whole URL.

Every lookup goes through the public verification use cases and counts against the client's
allowance (``SKK_PUBLIC_VERIFICATION_LIMITS``); once it is used up the page answers 429."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from services.lpjk_mock.settings import LpjkSettings
from services.lpjk_mock.usecases.verification import Verification, number_named_by
from services.lpjk_mock.web.pdf_verification import verify_pdf
from services.lpjk_mock.web.qr_target import QrTargetRedirect, page_url, payload_page_url, see_page, wants_html
from services.lpjk_mock.web.results import Answer, answer_of, answer_of_pdf
from shared.certificate_pdf import MAX_PDF_BYTES, looks_like_pdf
from shared.exceptions import TooManyRequests
from shared.settings import Mode
from shared.throttle import client_of
from shared.web import WebUI

TEMPLATES = Path(__file__).parent / "templates"
MAX_TEXT = 8000  # as the API's ``qr`` query parameter

router = APIRouter(include_in_schema=False)
QrParam = Annotated[str | None, Query(alias="qr", max_length=MAX_TEXT)]


def _ui(request: Request) -> WebUI:
    ui: WebUI = request.app.state.web_ui
    return ui


def _verification(request: Request) -> Verification:
    verification: Verification = request.app.state.verification
    return verification


def _page(request: Request, *, answer: Answer | None = None, status_code: int = 200, **form: Any) -> HTMLResponse:
    ui = _ui(request)
    values = {"nomor": "", "qr": "", **form}
    return ui.render(request, "verifikasi.html", status_code=status_code, title=ui.t("lpjk.judul"),
                     answer=answer, form=values, errors=form.get("errors", {}))


def _throttled(request: Request, exc: TooManyRequests) -> HTMLResponse:
    ui = _ui(request)
    wait = (exc.headers or {}).get("Retry-After", "60")
    response = ui.render(request, "terbatas.html", status_code=429, title=ui.t("lpjk.batas.judul"), wait=wait)
    response.headers["Retry-After"] = wait
    return response


@router.get("/", response_class=HTMLResponse)
@router.get("/verifikasi", response_class=HTMLResponse)
async def verification_page(request: Request, qr: QrParam = None) -> HTMLResponse:
    """The three forms; with ``?qr=`` (a payload or the QR code's URL) the payload's answer too."""
    if not qr:
        return _page(request)
    try:
        result = await _verification(request).qr_payload(qr, client=client_of(request))
    except TooManyRequests as exc:
        return _throttled(request, exc)
    return _page(request, answer=answer_of(_ui(request).t, result), qr=qr)


@router.get("/V/{payload}")
async def qr_code_target(request: Request,
                         payload: Annotated[str, PathParam(max_length=MAX_TEXT)]) -> Response:
    """What the certificate's QR code opens (``{PUBLIC_URL}/V/{payload}``, upper case so that the
    code stays alphanumeric; routes are case-sensitive, so ``/V/``): a browser is sent to the page
    of the record the payload names, ``/verifikasi/{number}?qr=`` as for the older QR codes (that
    page checks the payload's signature and that it names the record), or to ``/verifikasi?qr=``
    for a payload it cannot read; any other caller gets the JSON answer of ``verify_qr_payload``."""
    if wants_html(request.headers.get("accept", "")):
        number = number_named_by(payload)
        return see_page(page_url(number, payload) if number else payload_page_url(payload))
    result = await _verification(request).qr_payload(payload, client=client_of(request))
    return JSONResponse(result.model_dump(mode="json"), headers={"cache-control": "no-store"})


@router.get("/verifikasi/{recording_number}", response_class=HTMLResponse)
async def verification_of_number(request: Request, recording_number: str, qr: QrParam = None) -> HTMLResponse:
    """What the certificate's QR code opens (with ``?qr=``), or a link to a number."""
    if len(recording_number) > 64:
        return _page(request, errors={"nomor": _ui(request).t("lpjk.nomor.terlalu_panjang")}, nomor="")
    try:
        result = await _verification(request).certificate(recording_number, qr or None, client=client_of(request))
    except TooManyRequests as exc:
        return _throttled(request, exc)
    return _page(request, answer=answer_of(_ui(request).t, result), nomor=recording_number)


async def _typed(request: Request, field: str, limit: int,
                 lookup: Callable[[Verification, str], Awaitable[Any]]) -> HTMLResponse:
    """One typed-in form (a number or a QR payload): checked, looked up, answered on the page."""
    ui = _ui(request)
    form = await ui.check_csrf(request)
    value = str(form.get(field) or "").strip()
    if not value:
        return _page(request, status_code=422, errors={field: ui.t(f"lpjk.{field}.wajib")})
    if len(value) > limit:
        return _page(request, status_code=422, errors={field: ui.t(f"lpjk.{field}.terlalu_panjang")})
    try:
        result = await lookup(_verification(request), value)
    except TooManyRequests as exc:
        return _throttled(request, exc)
    typed: dict[str, Any] = {field: value}
    return _page(request, answer=answer_of(ui.t, result), **typed)


@router.post("/verifikasi/nomor", response_class=HTMLResponse)
async def verify_number(request: Request) -> HTMLResponse:
    client = client_of(request)
    return await _typed(request, "nomor", 64, lambda v, number: v.certificate(number, client=client))


@router.post("/verifikasi/qr", response_class=HTMLResponse)
async def verify_qr(request: Request) -> HTMLResponse:
    client = client_of(request)
    return await _typed(request, "qr", MAX_TEXT, lambda v, payload: v.qr_payload(payload, client=client))


@router.post("/verifikasi/berkas", response_class=HTMLResponse)
async def verify_file(request: Request) -> HTMLResponse:
    ui = _ui(request)
    form = await ui.check_csrf(request)
    upload = form.get("berkas")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, status_code=422, errors={"berkas": ui.t("lpjk.berkas.wajib")})
    data = await upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        return _page(request, status_code=413, errors={"berkas": ui.t("lpjk.berkas.terlalu_besar")})
    if not looks_like_pdf(data):
        return _page(request, status_code=415, errors={"berkas": ui.t("lpjk.berkas.bukan_pdf")})
    try:
        checked = await verify_pdf(_verification(request), request.app.state.lpjk_public_url, data,
                                   client=client_of(request), trusted=request.app.state.trusted_pdf_certificates)
    except TooManyRequests as exc:
        return _throttled(request, exc)
    return _page(request, answer=answer_of_pdf(ui.t, checked), berkas_name=upload.filename)


def web_secret(settings: LpjkSettings) -> str:
    """The pages' CSRF/flash key: derived from the operator token secret (production refuses a
    weak one), never equal to it."""
    return hmac.new(settings.operator_secret().encode(), b"lpjk-web-ui", hashlib.sha256).hexdigest()


def install_web(app: FastAPI, settings: LpjkSettings) -> None:
    """The public page, its static files, and the QR code's browser redirect (app.py calls this
    after ``app.state.verification`` is set)."""
    ui = WebUI("lpjk", TEMPLATES, secret=web_secret(settings),
               secure_cookies=settings.mode == Mode.PRODUCTION or settings.public_url.startswith("https://"),
               login_url="/verifikasi")
    ui.install(app)
    app.state.web_ui = ui
    app.state.lpjk_public_url = settings.public_url
    app.include_router(router)
    app.add_middleware(QrTargetRedirect)
