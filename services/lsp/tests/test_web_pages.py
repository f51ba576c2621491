"""The LSP staff's pages (issue 14, SPEC section 8 "People see it"), in-process: login through the
form sets the session cookie and the worklist shows counts per status; the application's page
lists its documents (opened inline through SIKI, audited) and takes the admin's verification
only with the CSRF token; an assessor is offered no admin action and is refused one; the manager
creates a staff member whose emailed link activates the account through the activation page."""

from __future__ import annotations

import email
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import respx

from services.lsp.tests.support import Lsp, drive, running, settings_for
from services.lsp.tests.test_evidence import DOCS_PATH as EVIDENCE_PATH
from services.lsp.tests.test_evidence import KTP, audit, received, siki_document
from shared.settings import DEV_PASSWORD
from shared.tests.waiting import wait_until

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def documents(siki_router: respx.MockRouter) -> respx.Route:
    return siki_router.get(path__regex=EVIDENCE_PATH, name="fetch_application_document").mock(
        side_effect=siki_document)


@pytest.fixture
async def lsp(sqlite_url: str, siki: respx.Route, documents: respx.Route, tmp_path: Path) -> AsyncIterator[Lsp]:
    async with running(settings_for(sqlite_url, mail_dir=str(tmp_path / "mail"))) as instance:
        yield instance


def browser(lsp: Lsp) -> httpx.AsyncClient:
    """A browser of its own (its own cookie jar) on the same LSP."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=lsp.app), base_url="http://lsp.test")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, username: str, password: str = DEV_PASSWORD) -> httpx.Response:
    page = await client.get("/")
    assert page.status_code == 200 and 'id="username"' in page.text and 'id="masuk"' in page.text
    return await client.post("/", data={"username": username, "password": password,
                                        "csrf_token": csrf_of(page.text)})


@asynccontextmanager
async def signed_in(lsp: Lsp, username: str) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(lsp) as client:
        r = await sign_in(client, username)
        assert r.status_code == 303 and r.headers["location"] == "/kerja", r.text
        assert "skk_session_lsp_lsp_a" in client.cookies
        yield client


async def test_login_sets_the_cookie_and_the_worklist_counts_by_status(lsp: Lsp) -> None:
    forwarded = await drive(lsp, "forwarded")
    invoiced = await drive(lsp, "invoiced")
    async with browser(lsp) as client:
        assert (await client.get("/kerja")).status_code == 303  # not signed in: to the login page
        r = await sign_in(client, "admin", "wrong-password-1")
        assert r.status_code == 401 and "Nama pengguna atau kata sandi salah." in r.text
        assert "skk_session_lsp_lsp_a" not in client.cookies
        r = await client.post("/", data={"username": "admin", "password": DEV_PASSWORD})  # no CSRF token
        assert r.status_code == 403 and "skk_session_lsp_lsp_a" not in client.cookies
        r = await sign_in(client, "admin")
        assert r.status_code == 303 and r.headers["location"] == "/kerja"

        page = await client.get("/kerja")
        assert page.status_code == 200
        assert f'data-testid="app-{forwarded}"' in page.text and f'data-testid="app-{invoiced}"' in page.text
        assert re.search(r'data-testid="count-value-forwarded">1<', page.text)
        assert re.search(r'data-testid="count-value-invoiced">1<', page.text)
        assert "Selamat datang, admin." in page.text  # the flash of the login

        only = await client.get("/kerja", params={"status": "forwarded"})
        assert f'data-testid="app-{forwarded}"' in only.text and f'data-testid="app-{invoiced}"' not in only.text
        none = await client.get("/kerja", params={"flag": "appeal_overdue"})
        assert 'data-testid="worklist-empty"' in none.text

        # Logging out ends the session: the cookie's token is refused from then on.
        token = client.cookies["skk_session_lsp_lsp_a"]
        r = await client.post("/keluar", data={"csrf_token": csrf_of(page.text)})
        assert r.status_code == 303 and "skk_session_lsp_lsp_a" not in client.cookies
        client.cookies.set("skk_session_lsp_lsp_a", token)
        assert (await client.get("/kerja")).status_code == 303


async def test_application_page_lists_documents_and_takes_verification_only_with_csrf(lsp: Lsp) -> None:
    aid = await received(lsp)
    async with signed_in(lsp, "admin") as client:
        page = await client.get(f"/permohonan/{aid}")
        assert page.status_code == 200, page.text
        html = page.text
        for doc in ("doc-ktp", "doc-photo"):
            assert f'data-testid="dok-{doc}"' in html and f"/permohonan/{aid}/dokumen/{doc}" in html
        assert str(len(KTP)) + " B" in html and 'id="aksi-verifikasi"' in html
        assert 'data-testid="bagian-personal"' in html and "Budi Santoso" in html
        assert 'data-testid="jejak-audit"' in html and f"/permohonan/{aid}/apl01.pdf" in html

        opened = await client.get(f"/permohonan/{aid}/dokumen/doc-ktp")
        assert opened.status_code == 200 and opened.content == KTP
        assert opened.headers["content-type"] == "application/pdf" and opened.headers["cache-control"] == "no-store"
        assert opened.headers["content-disposition"].startswith("inline")
        [seen] = await audit(lsp, application_id=aid, action="application.document_viewed")
        assert seen["actor"] == "staff:LSP-A:admin" and seen["target_id"] == "doc-ktp"

        # Without the token: refused, nothing changes.
        r = await client.post(f"/permohonan/{aid}/verifikasi", data={"decision": "accepted"})
        assert r.status_code == 403
        assert (await lsp.get(aid))["status"] == "forwarded"
        # A rule's refusal is shown beside the form: returning needs reasons.
        token = csrf_of(html)
        r = await client.post(f"/permohonan/{aid}/verifikasi", data={"decision": "rejected", "csrf_token": token})
        assert r.status_code == 422 and 'data-testid="aksi-verifikasi-galat"' in r.text
        assert (await lsp.get(aid))["status"] == "forwarded"

        r = await client.post(f"/permohonan/{aid}/verifikasi", data={"decision": "accepted", "csrf_token": token})
        assert r.status_code == 303 and r.headers["location"] == f"/permohonan/{aid}"
        assert (await lsp.get(aid))["status"] == "invoiced"
        page = await client.get(f"/permohonan/{aid}")
        assert "Verifikasi disimpan." in page.text and 'data-status="invoiced"' in page.text
        assert 'id="aksi-verifikasi"' not in page.text  # nothing left to verify

        apl = await client.get(f"/permohonan/{aid}/apl02.pdf")
        assert apl.status_code == 200 and apl.content.startswith(b"%PDF")


async def test_an_assessor_gets_no_admin_action(lsp: Lsp) -> None:
    scheduled = await drive(lsp, "scheduled")  # assigned to asesor1
    forwarded = await drive(lsp, "forwarded")
    async with signed_in(lsp, "asesor1") as client:
        work = await client.get("/kerja")
        assert f'data-testid="app-{scheduled}"' in work.text and f'data-testid="app-{forwarded}"' not in work.text
        page = await client.get(f"/permohonan/{scheduled}")
        assert page.status_code == 200 and 'id="aksi-laporan"' in page.text
        for admin_only in ("aksi-verifikasi", "aksi-pembayaran", "aksi-mulai", "aksi-jadwal", "aksi-keputusan"):
            assert f'id="{admin_only}"' not in page.text
        assert 'data-testid="jejak-audit"' not in page.text  # the audit trail is the manager's and admin's
        assert (await client.get(f"/permohonan/{forwarded}")).status_code == 403  # not assigned
        # Posting an admin's form anyway is refused with the rule's 403.
        r = await client.post(f"/permohonan/{scheduled}/mulai", data={"csrf_token": csrf_of(page.text)})
        assert r.status_code == 403 and 'data-testid="aksi-mulai-galat"' in r.text
        assert (await client.get("/staf")).status_code == 403

        r = await client.post(f"/permohonan/{scheduled}/laporan",
                              data={"recommendation": "K", "notes": "Lengkap", "csrf_token": csrf_of(page.text)})
        assert r.status_code == 303
        assert (await lsp.get(scheduled))["status"] == "assessed"


async def test_the_admin_schedules_with_assessor_tuk_and_time(lsp: Lsp) -> None:
    aid = await drive(lsp, "in_certification")
    async with signed_in(lsp, "admin") as client:
        page = await client.get(f"/permohonan/{aid}")
        assert 'id="aksi-jadwal"' in page.text and 'value="asesor2"' in page.text and 'value="TUK-A-01"' in page.text
        data = {"assessor_username": "asesor2", "tuk_code": "TUK-A-02", "tanggal": "2020-01-02", "jam": "09:00",
                "csrf_token": csrf_of(page.text)}
        r = await client.post(f"/permohonan/{aid}/jadwal", data=data)
        assert r.status_code == 422 and 'data-testid="error-scheduled_at"' in r.text  # in the past
        r = await client.post(f"/permohonan/{aid}/jadwal", data={**data, "tanggal": "2099-03-04"})
        assert r.status_code == 303, r.text
        view = await lsp.get(aid)
        assert view["status"] == "scheduled" and view["assessments"][-1]["assessor_username"] == "asesor2"
        assert view["assessments"][-1]["scheduled_at"].startswith("2099-03-04T02:00")  # 09.00 WIB


async def test_the_manager_creates_staff_who_activate_through_the_page(lsp: Lsp, tmp_path: Path) -> None:
    async with signed_in(lsp, "manajer") as client:
        page = await client.get("/staf")
        assert page.status_code == 200 and 'data-testid="staf-asesor1"' in page.text
        token = csrf_of(page.text)
        new = {"username": "asesor9", "full_name": "Dewi Lestari", "email": "dewi@lsp-a.example.id",
               "roles": ["asesor"], "csrf_token": token}
        r = await client.post("/staf", data={**new, "asesor_registration_number": ""})
        assert r.status_code == 422 and 'data-testid="error-asesor_registration_number"' in r.text
        r = await client.post("/staf", data={**new, "asesor_registration_number": "MET.000.001234 2019"})
        assert r.status_code == 303, r.text
        page = await client.get("/staf")
        assert 'data-testid="staf-asesor9"' in page.text and "Akun asesor9 dibuat" in page.text
        # The manager cannot take their own role away.
        r = await client.post("/staf/manajer", data={"roles": ["admin"], "active": "1", "csrf_token": token})
        assert r.status_code == 303
        assert "manajer:" in (await client.get("/staf")).text

    link = await activation_link(tmp_path / "mail", "dewi@lsp-a.example.id")
    async with browser(lsp) as visitor:
        form = await visitor.get(link)
        assert form.status_code == 200 and 'id="form-aktivasi"' in form.text
        hidden = re.search(r'name="token" value="([^"]+)"', form.text)
        assert hidden
        r = await visitor.post("/aktivasi-staf", data={"token": hidden.group(1), "password": "Rahasia-Kuat-2026",
                                                       "password_repeat": "Rahasia-Kuat-2026",
                                                       "csrf_token": csrf_of(form.text)})
        assert r.status_code == 303 and r.headers["location"] == "/"
        assert (await sign_in(visitor, "asesor9", "Rahasia-Kuat-2026")).status_code == 303


async def activation_link(mail_dir: Path, address: str) -> str:
    def mail() -> bytes | None:
        for path in mail_dir.glob("*.eml") if mail_dir.exists() else []:
            msg = email.message_from_bytes(path.read_bytes())
            if address in str(msg["To"]):
                payload = msg.get_payload(decode=True)
                assert isinstance(payload, bytes)
                return payload
        return None

    payload = await wait_until(mail, lambda p: p is not None, what=f"an activation mail to {address}")
    found = re.search(r"/aktivasi-staf\?token=(\S+)", payload.decode())
    assert found
    return f"/aktivasi-staf?token={found.group(1)}"



async def test_payment_start_decision_and_appeal_through_the_forms(lsp: Lsp) -> None:
    paid = await drive(lsp, "payment_uploaded")
    async with signed_in(lsp, "admin") as client:
        page = await client.get(f"/permohonan/{paid}")
        assert 'id="aksi-pembayaran"' in page.text
        token = csrf_of(page.text)
        r = await client.post(f"/permohonan/{paid}/pembayaran", data={"decision": "invalid", "csrf_token": token})
        assert r.status_code == 422 and 'data-testid="aksi-pembayaran-galat"' in r.text  # reasons needed
        r = await client.post(f"/permohonan/{paid}/pembayaran", data={"decision": "valid", "csrf_token": token})
        assert r.status_code == 303
        page = await client.get(f"/permohonan/{paid}")
        assert 'id="aksi-mulai"' in page.text
        assert (await client.post(f"/permohonan/{paid}/mulai", data={"csrf_token": token})).status_code == 303
        assert (await lsp.get(paid))["status"] == "in_certification"

    assessed = await drive(lsp, "assessed")
    appealed = await drive(lsp, "appealed")  # komite decided Belum Kompeten
    async with signed_in(lsp, "komite") as client:
        page = await client.get(f"/permohonan/{assessed}")
        assert 'id="aksi-keputusan"' in page.text and 'id="aksi-verifikasi"' not in page.text
        token = csrf_of(page.text)
        r = await client.post(f"/permohonan/{assessed}/keputusan", data={"result": "kompeten", "csrf_token": token})
        assert r.status_code == 303
        assert (await lsp.get(assessed))["status"] == "competent"
        # The komite member who decided cannot decide the appeal: the rule's refusal, beside the form.
        page = await client.get(f"/permohonan/{appealed}")
        assert 'id="aksi-banding"' in page.text
        r = await client.post(f"/permohonan/{appealed}/banding", data={"decision": "rejected", "csrf_token": token})
        assert r.status_code == 403 and 'data-testid="aksi-banding-galat"' in r.text
    async with signed_in(lsp, "komite2") as client:
        page = await client.get(f"/permohonan/{appealed}")
        r = await client.post(f"/permohonan/{appealed}/banding",
                              data={"decision": "rejected", "reasons": "Penilaian sudah sesuai",
                                    "csrf_token": csrf_of(page.text)})
        assert r.status_code == 303
        assert (await lsp.get(appealed))["status"] == "appeal_rejected"
