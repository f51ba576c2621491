"""The web UI's shared parts: Indonesian formats, the catalogue, CSRF, cookies, flashes,
problem errors beside fields."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from shared.errors import Problem
from shared.exceptions import Conflict, Invalid
from shared.web import FORM, Catalogue, CookieNames, WebUI, problem_errors, rupiah, sisa_hari_kerja, tanggal, waktu

SECRET = "test-web-secret-0123456789abcdefghij"


def test_tanggal_waktu_in_jakarta() -> None:
    assert tanggal(date(2026, 12, 3)) == "3 Desember 2026"
    assert tanggal("2026-01-15") == "15 Januari 2026"
    assert tanggal(None) == ""
    # 18.00 UTC is already the next day in Jakarta (UTC+7)
    assert tanggal(datetime(2026, 12, 3, 18, 0, tzinfo=UTC)) == "4 Desember 2026"
    assert waktu(datetime(2026, 12, 3, 7, 30, tzinfo=UTC)) == "3 Desember 2026, 14.30 WIB"
    assert waktu(datetime(2026, 12, 3, 7, 30)) == "3 Desember 2026, 14.30 WIB"  # naive = UTC
    assert waktu("2026-08-17T02:05:00Z") == "17 Agustus 2026, 09.05 WIB"


def test_rupiah() -> None:
    assert rupiah(Decimal("1500000")) == "Rp 1.500.000"
    assert rupiah("1500000.00") == "Rp 1.500.000"
    assert rupiah(750) == "Rp 750"
    assert rupiah("1234.5") == "Rp 1.234,50"
    assert rupiah(None) == ""


def test_working_days_left() -> None:
    holidays = {date(2026, 12, 25)}
    # Thursday 24 Dec -> Monday 28 Dec: Friday is a holiday, the weekend does not count
    assert sisa_hari_kerja(date(2026, 12, 28), date(2026, 12, 24), holidays) == 1
    assert sisa_hari_kerja(date(2026, 12, 24), date(2026, 12, 24), holidays) == 0
    assert sisa_hari_kerja(date(2026, 12, 22), date(2026, 12, 24), holidays) == -2


def test_catalogue_service_first_then_shared_then_key(tmp_path: Path) -> None:
    (tmp_path / "id.json").write_text(json.dumps({"umum": {"simpan": "Simpan draf"}, "sapa": "Halo, {nama}!"}))
    (tmp_path / "id.form.json").write_text(json.dumps({"form": {"judul": "Formulir"}}))
    cat = Catalogue([tmp_path, Path(__file__).parents[1] / "web" / "messages"])
    assert cat.t("umum.simpan") == "Simpan draf"  # the service's own wins
    assert cat.t("umum.batal") == "Batal"  # from the shared catalogue
    assert cat.t("sapa", nama="Budi") == "Halo, Budi!"
    assert cat.t("tidak.ada") == "tidak.ada"  # a gap shows its key
    assert cat.t("form.judul") == "Formulir"  # from id.form.json


class _Form(BaseModel):
    nama: str = Field(min_length=3)
    umur: int


def test_problem_errors_mapping() -> None:
    assert problem_errors(Invalid.field("email", "Email sudah terdaftar")) == {"email": "Email sudah terdaftar"}
    assert problem_errors(Conflict("sudah diajukan")) == {FORM: "sudah diajukan"}
    assert problem_errors(Problem(422, "x", errors=[{"field": "nik", "message": "NIK salah"}])) == {"nik": "NIK salah"}
    assert problem_errors({"detail": "d", "errors": [{"field": "a.b", "message": "m"}]}) == {"a.b": "m"}
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate({"nama": "ab"})
    errors = problem_errors(caught.value)
    assert errors == {"nama": "Terlalu pendek.", "umur": "Wajib diisi."}


def _app(tmp_path: Path, secure: bool = False) -> tuple[FastAPI, WebUI]:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% extends "base.html" %}{% import "macros.html" as m with context %}{% block main %}'
        '<form method="post" action="/kirim">{{ m.csrf() }}'
        '{{ m.field("email", "Email", value=form.get("email"), errors=errors, type="email", required=True) }}'
        '</form><p id="when">{{ at | waktu }}</p><p id="fee">{{ fee | rupiah }}</p>{% endblock %}')
    ui = WebUI("portal", tmp_path / "templates", secret=SECRET, secure_cookies=secure)
    app = FastAPI()
    ui.install(app)

    @app.get("/halaman")
    async def page(request: Request) -> Response:
        return ui.render(request, "page.html", at=datetime(2026, 12, 3, 7, 30, tzinfo=UTC), fee="1500000",
                         form={"email": "<b>x</b>"}, errors={"email": "Email tidak valid"})

    @app.post("/kirim")
    async def submit(request: Request) -> Response:
        await ui.check_csrf(request)
        return ui.flash(ui.redirect("/halaman"), "Tersimpan", "success")

    @app.post("/masuk")
    async def login(request: Request) -> Response:
        await ui.check_csrf(request)
        return ui.login_response("/halaman", "bearer-token-123")

    @app.get("/perpanjang")
    async def renewed(request: Request) -> Response:
        ui.renew(request, "fresh-token", 900)
        return ui.render(request, "page.html", at=None, fee=None)

    @app.post("/keluar")
    async def logout(request: Request) -> Response:
        await ui.check_csrf(request)
        return ui.logout_response("/")

    return app, ui


def _client(app: FastAPI, secure: bool = False) -> httpx.AsyncClient:
    base = "https://testserver" if secure else "http://testserver"
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


def _token(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


async def test_page_renders_field_error_escaped_and_formats(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with _client(app) as client:
        r = await client.get("/halaman")
    assert r.status_code == 200
    html = r.text
    assert 'id="f-email"' in html and '<label for="f-email">' in html
    assert 'data-testid="error-email"' in html and "Email tidak valid" in html
    assert 'aria-invalid="true"' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "3 Desember 2026, 14.30 WIB" in html and "Rp 1.500.000" in html
    assert "Portal SKK Konstruksi" in html and '<html lang="id">' in html
    assert "<script>" not in html and "style=" not in html


async def test_csrf_accepted_with_token_refused_without(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with _client(app) as client:
        page = await client.get("/halaman")
        token = _token(page.text)
        assert "skk_csrf_portal" in client.cookies
        refused = await client.post("/kirim", data={"email": "a@b.id"})
        assert refused.status_code == 403 and 'data-testid="error-page"' in refused.text
        wrong = await client.post("/kirim", data={"csrf_token": "0" * 64})
        assert wrong.status_code == 403
        ok = await client.post("/kirim", data={"csrf_token": token})
        assert ok.status_code == 303 and ok.headers["location"] == "/halaman"
        shown = await client.get("/halaman")
        assert 'data-testid="flash-success"' in shown.text and "Tersimpan" in shown.text
        again = await client.get("/halaman")
        assert "Tersimpan" not in again.text  # a flash is shown once


async def test_token_from_another_visitor_is_refused(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with _client(app) as alice, _client(app) as mallory:
        token = _token((await mallory.get("/halaman")).text)
        await alice.get("/halaman")
        assert (await alice.post("/kirim", data={"csrf_token": token})).status_code == 403


async def test_session_cookie_flags_and_token_rebinding(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, secure=True)
    async with _client(app, secure=True) as client:
        anonymous = _token((await client.get("/halaman")).text)
        r = await client.post("/masuk", data={"csrf_token": anonymous})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("__Host-skk_session_portal=bearer-token-123")
        low = cookie.lower()
        assert "httponly" in low and "samesite=lax" in low and "secure" in low and "path=/" in low
        # the token belongs to the browser, not the session: forms opened before still post
        signed_in = _token((await client.get("/halaman")).text)
        assert signed_in == anonymous
        assert (await client.post("/kirim", data={"csrf_token": anonymous})).status_code == 303
        out = await client.post("/keluar", data={"csrf_token": signed_in})
        assert out.status_code == 303 and '__Host-skk_session_portal=""' in out.headers["set-cookie"]


async def test_cookies_not_secure_in_dev(tmp_path: Path) -> None:
    app, _ = _app(tmp_path, secure=False)
    async with _client(app) as client:
        r = await client.get("/halaman")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


async def test_static_files_served(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with _client(app) as client:
        css = await client.get("/static/app.css")
        js = await client.get("/static/app.js")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


async def test_service_static_dir_mounted_before_shared(tmp_path: Path) -> None:
    (tmp_path / "own").mkdir()
    (tmp_path / "own" / "x.js").write_text("// own")
    (tmp_path / "templates").mkdir()
    ui = WebUI("portal", tmp_path / "templates", secret=SECRET, secure_cookies=False)
    app = FastAPI()
    ui.install(app, static_dir=tmp_path / "own")
    async with _client(app) as client:
        assert (await client.get("/static/portal/x.js")).text == "// own"
        assert (await client.get("/static/app.js")).status_code == 200


async def test_renewed_session_is_set_by_the_page(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with _client(app) as client:
        r = await client.get("/perpanjang")
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("skk_session_portal="))
    assert session.startswith("skk_session_portal=fresh-token") and "Max-Age=900" in session and "HttpOnly" in session


def test_each_service_instance_has_its_own_cookies() -> None:
    names = [CookieNames("portal"), CookieNames("lsp", "LSP-A"), CookieNames("lsp", "LSP-B"), CookieNames("siki")]
    assert len({n.session for n in names}) == 4 and len({n.csrf for n in names}) == 4
    assert names[1].session == "skk_session_lsp_lsp_a" and names[2].flash == "skk_flash_lsp_lsp_b"
    assert CookieNames("lsp", "LSP-A", secure=True).session == "__Host-skk_session_lsp_lsp_a"


async def test_services_on_one_host_do_not_share_a_session(tmp_path: Path) -> None:
    # Browsers key cookies by host, not port: LSP-A and LSP-B on 127.0.0.1 see each other's
    # cookies. A login at one must neither sign the visitor in at, nor sign them out of, the other.
    (tmp_path / "templates").mkdir(exist_ok=True)
    def lsp_app(code: str) -> FastAPI:
        ui = WebUI("lsp", tmp_path / "templates", secret=SECRET, secure_cookies=False, instance=code)
        app = FastAPI()

        @app.get("/siapa")
        async def who(request: Request) -> dict[str, str | None]:
            return {"token": ui.token(request)}

        @app.post("/masuk")
        async def login() -> Response:
            return ui.login_response("/", f"token-{code}")

        return app

    apps = {code: lsp_app(code) for code in ("LSP-A", "LSP-B")}
    async with _client(apps["LSP-A"]) as a:
        await a.post("/masuk")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=apps["LSP-B"]), base_url="http://testserver",
                                     cookies=a.cookies) as b:
            assert (await b.get("/siapa")).json() == {"token": None}
            await b.post("/masuk")
            a.cookies.update(b.cookies)
        assert (await a.get("/siapa")).json() == {"token": "token-LSP-A"}
