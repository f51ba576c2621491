"""The applicant's pages in-process (httpx): register -> the activation email -> activate -> log
in (cookie) -> dashboard; CSRF refused without the token; another applicant's application not
shown; a rule's error beside its field."""

from __future__ import annotations

import re
import time

import httpx
import jwt
import pytest

from services.portal.security import mint_access_token
from services.portal.settings import DEV_JWT_SECRET
from services.portal.tests.factories import PASSWORD, Portal, activation_token_from

EMAIL = "web-siti@example.id"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def _browser(portal: Portal) -> httpx.AsyncClient:
    """A client of its own (its own cookies), as a browser would be."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=portal.app), base_url="http://portal.test")


async def _register_and_activate(portal: Portal, browser: httpx.AsyncClient, email: str) -> None:
    form = await browser.get("/daftar")
    assert form.status_code == 200 and 'id="f-data_truth_consent"' in form.text
    r = await browser.post("/daftar", data={
        "csrf_token": _csrf(form.text), "first_name": "Siti", "last_name": "Aminah", "email": email,
        "phone": "081234567890", "is_individual": "1", "data_truth_consent": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/masuk", r.text
    token = activation_token_from(await portal.next_mail())
    page = await browser.get("/activate", params={"token": token})
    assert page.status_code == 200 and 'id="activate-form"' in page.text
    r = await browser.post("/activate", data={"csrf_token": _csrf(page.text), "token": token,
                                              "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/masuk", r.text


async def _login(browser: httpx.AsyncClient, email: str) -> None:
    page = await browser.get("/masuk")
    r = await browser.post("/masuk", data={"csrf_token": _csrf(page.text), "email": email, "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/dasbor", r.text
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("skk_session_portal=") and "httponly" in cookie and "samesite=lax" in cookie


async def test_register_activate_login_dashboard(portal: Portal) -> None:
    async with _browser(portal) as browser:
        await _register_and_activate(portal, browser, EMAIL)
        shown = await browser.get("/masuk")
        assert 'data-testid="flash-success"' in shown.text  # "Akun Anda sudah aktif"
        await _login(browser, EMAIL)
        dash = await browser.get("/dasbor")
        assert dash.status_code == 200 and 'data-testid="dashboard"' in dash.text
        assert 'id="no-applications"' in dash.text and 'id="nav-keluar"' in dash.text
        # a new application; its page with status, next step and the link to the form's first step
        r = await browser.post("/permohonan/buat", data={"csrf_token": _csrf(dash.text)})
        assert r.status_code == 303 and r.headers["location"].endswith("/langkah/1")
        application_id = r.headers["location"].split("/")[2]
        page = await browser.get(f"/permohonan/{application_id}")
        assert page.status_code == 200 and 'data-status="draft"' in page.text
        assert f"/permohonan/{application_id}/langkah/1" in page.text and 'data-testid="timeline"' in page.text
        dash = await browser.get("/dasbor")
        assert application_id in dash.text and "Draf" in dash.text
        notes = await browser.get("/notifikasi")
        assert notes.status_code == 200 and 'data-testid="notifications"' in notes.text
        # logging out ends the session: the dashboard sends to the login page again
        r = await browser.post("/keluar", data={"csrf_token": _csrf(dash.text)})
        assert r.status_code == 303
        r = await browser.get("/dasbor")
        assert r.status_code == 303 and r.headers["location"] == "/masuk"


async def test_pages_need_a_session(portal: Portal) -> None:
    async with _browser(portal) as browser:
        for path in ("/dasbor", "/notifikasi", "/permohonan/00000000-0000-4000-8000-000000000000"):
            r = await browser.get(path)
            assert r.status_code == 303 and r.headers["location"] == "/masuk", path


async def test_csrf_refused_without_token(portal: Portal) -> None:
    async with _browser(portal) as browser:
        await browser.get("/daftar")
        r = await browser.post("/daftar", data={"first_name": "A", "last_name": "B", "email": "x@example.id",
                                                "phone": "081234567890", "is_individual": "1",
                                                "data_truth_consent": "1"})
        assert r.status_code == 403 and 'data-testid="error-page"' in r.text
        r = await browser.post("/masuk", data={"csrf_token": "0" * 64, "email": "x@example.id", "password": "p"})
        assert r.status_code == 403


async def test_another_applicants_application_is_not_found(portal: Portal) -> None:
    owner = await portal.applicant()
    created = await portal.client.post("/api/v1/applications", headers=owner, json={})
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    async with _browser(portal) as browser:
        await _register_and_activate(portal, browser, "web-other@example.id")
        await _login(browser, "web-other@example.id")
        r = await browser.get(f"/permohonan/{application_id}")
        assert r.status_code == 404 and 'data-testid="error-page"' in r.text
        assert application_id not in r.text.replace(f"/permohonan/{application_id}", "")
        r = await browser.get(f"/permohonan/{application_id}/sertifikat")
        assert r.status_code == 404


async def test_field_error_beside_its_field(portal: Portal) -> None:
    async with _browser(portal) as browser:
        form = await browser.get("/daftar")
        r = await browser.post("/daftar", data={
            "csrf_token": _csrf(form.text), "first_name": "Siti", "last_name": "Aminah", "email": "bukan-email",
            "phone": "081234567890", "is_individual": "1"})
        assert r.status_code == 400
        html = r.text
        # the error sits in the field's own block, right after its input, and is in Indonesian
        email_block = html.split('data-field="email"')[1].split('data-field="phone"')[0]
        assert 'data-testid="error-email"' in email_block and "Alamat email tidak valid." in email_block
        consent = html.split('data-field="data_truth_consent"')[1]
        assert 'data-testid="error-data_truth_consent"' in consent
        assert 'value="Siti"' in html  # what was typed stays
        assert portal.mail_dir.exists() is False or not list(portal.mail_dir.glob("*.eml"))


async def test_activation_password_error_beside_field(portal: Portal) -> None:
    async with _browser(portal) as browser:
        form = await browser.get("/daftar")
        await browser.post("/daftar", data={
            "csrf_token": _csrf(form.text), "first_name": "Budi", "last_name": "Santoso",
            "email": "web-budi@example.id", "phone": "081234567890", "is_individual": "1", "data_truth_consent": "1"})
        token = activation_token_from(await portal.next_mail())
        page = await browser.get("/activate", params={"token": token})
        r = await browser.post("/activate", data={"csrf_token": _csrf(page.text), "token": token,
                                                  "password": "pendek1", "password_repeat": "pendek1"})
        assert r.status_code == 400
        block = r.text.split('data-field="password"')[1].split('data-field="password_repeat"')[0]
        assert 'data-testid="error-password"' in block and "minimal 10 karakter" in block


@pytest.mark.parametrize("path", ["/", "/masuk", "/daftar", "/reset-password", "/activate?token=x"])
async def test_public_pages_render(portal: Portal, path: str) -> None:
    async with _browser(portal) as browser:
        r = await browser.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text and " style=" not in r.text


async def test_session_renewed_once_half_spent(portal: Portal) -> None:
    headers = await portal.applicant("web-renew@example.id")
    token = headers["Authorization"].removeprefix("Bearer ")
    async with _browser(portal) as browser:
        browser.cookies.set("skk_session_portal", token)
        fresh = await browser.get("/dasbor")
        assert fresh.status_code == 200
        assert not any(c.startswith("skk_session_portal=") for c in fresh.headers.get_list("set-cookie"))
    claims = jwt.decode(token, DEV_JWT_SECRET, algorithms=["HS256"])
    ttl = portal.settings.access_token_ttl_seconds
    old = mint_access_token(claims["sub"], secret=DEV_JWT_SECRET, ttl_seconds=ttl, now=time.time() - ttl * 0.6,
                            version=claims["ver"])
    async with _browser(portal) as browser:
        browser.cookies.set("skk_session_portal", old)
        r = await browser.get("/dasbor")
        assert r.status_code == 200
        renewed = next(c for c in r.headers.get_list("set-cookie") if c.startswith("skk_session_portal="))
        new_token = renewed.split(";")[0].split("=", 1)[1]
        old_exp = jwt.decode(old, DEV_JWT_SECRET, algorithms=["HS256"])["exp"]
        assert jwt.decode(new_token, DEV_JWT_SECRET, algorithms=["HS256"])["exp"] > old_exp
