"""SIKI's operator pages: login by cookie, the delivery log and a redelivery (with CSRF), dead
letters, the audited NIK lookup, and the API's roles on every page."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import httpx
import respx

from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, eventually, report, running, submission
from shared.bus import EventEnvelope
from shared.contracts.events import SkkRecorded
from shared.operators import dev_operator_email
from shared.settings import DEV_PASSWORD
from shared.tests.operators import add_operator


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)


@asynccontextmanager
async def browser(h: Harness) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own (its own cookies), as a second browser would be."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=h.app), base_url="http://siki.test") as c:
        yield c


async def _login(client: httpx.AsyncClient, email: str, password: str = DEV_PASSWORD) -> httpx.Response:
    page = await client.get("/masuk")
    assert page.status_code == 200 and 'id="masuk"' in page.text
    return await client.post("/masuk", data={"csrf_token": _csrf(page.text), "email": email, "password": password})


async def test_an_operator_logs_in_with_a_session_cookie(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    async with running(make_settings()) as h, browser(h) as c:
        anonymous = await c.get("/pengiriman")
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/masuk"
        wrong = await _login(c, dev_operator_email("siki"), "not-the-password")
        assert wrong.status_code == 401 and 'id="form-errors"' in wrong.text and "skk_session_siki" not in c.cookies

        r = await _login(c, dev_operator_email("siki"))
        assert r.status_code == 303 and r.headers["location"] == "/pengiriman"
        cookie = r.headers["set-cookie"].lower()
        assert "skk_session_siki=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        page = await c.get("/pengiriman")
        assert page.status_code == 200 and 'id="keluar"' in page.text and 'id="nav-register"' in page.text

        # Logging out ends every session of the account: the old cookie no longer opens a page.
        old = c.cookies["skk_session_siki"]
        out = await c.post("/keluar", data={"csrf_token": _csrf(page.text)})
        assert out.status_code == 303 and out.headers["location"] == "/masuk"
        async with browser(h) as replay:
            replay.cookies.set("skk_session_siki", old)
            assert (await replay.get("/pengiriman")).status_code == 303


async def test_a_dead_delivery_is_listed_and_redelivered_with_csrf(make_settings: Any,
                                                                   lsp_http: respx.MockRouter) -> None:
    answers = iter([httpx.Response(503, text="maintenance")] * 2 + [httpx.Response(200, json={})] * 5)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lambda _: next(answers))
    async with running(make_settings(webhook_max_attempts=2)) as h, browser(h) as c:
        body = submission()
        assert (await h.submit(body)).status_code == 202

        async def dead() -> bool:
            return [d["status"] for d in await h.deliveries(application_id=body["id"])] == ["dead"]

        await eventually(dead, what="a dead delivery")
        (delivery,) = await h.deliveries(application_id=body["id"])
        assert (await _login(c, dev_operator_email("siki"))).status_code == 303

        page = await c.get("/pengiriman", params={"application_id": body["id"]})
        assert page.status_code == 200
        assert f'id="pengiriman-{delivery["id"]}"' in page.text and 'data-status="dead"' in page.text
        assert "2 percobaan" in page.text and "HTTP 503" in page.text  # both attempts shown
        letters = await c.get("/surat-mati")
        assert letters.status_code == 200 and f'id="pengiriman-{delivery["id"]}"' in letters.text

        action = f"/pengiriman/{delivery['id']}/kirim-ulang"
        assert (await c.post(action, data={"next": "/pengiriman"})).status_code == 403  # no CSRF token
        assert [d["status"] for d in await h.deliveries(application_id=body["id"])] == ["dead"]
        r = await c.post(action, data={"csrf_token": _csrf(page.text), "next": "/surat-mati"})
        assert r.status_code == 303 and r.headers["location"] == "/surat-mati"

        async def delivered() -> bool:
            return [d["status"] for d in await h.deliveries(application_id=body["id"])] == ["delivered"]

        await eventually(delivered, what="the redelivery")
        after = await c.get("/surat-mati")
        assert "dijadwalkan untuk dikirim ulang" in after.text  # the flash message
        assert f'id="pengiriman-{delivery["id"]}"' not in after.text
        audit = (await h.client.get("/api/v1/audit-events", params={"action": "webhook.redelivered"},
                                    headers=h.operator)).json()
        assert [e["actor"] for e in audit] == ["operator:siki:" + dev_operator_email("siki")]


async def test_a_nik_lookup_is_audited(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h, browser(h) as c:
        assert (await h.submit(submission())).status_code == 202
        await _login(c, dev_operator_email("siki"))
        form = await c.get("/register")
        token = _csrf(form.text)
        bad = await c.post("/register", data={"csrf_token": token, "nik": "12345"})
        assert bad.status_code == 422 and 'id="nik-error"' in bad.text
        r = await c.post("/register", data={"csrf_token": token, "nik": NIK})
        assert r.status_code == 200 and 'id="hasil-register"' in r.text
        assert r.text.count('data-testid="permohonan"') == 1
        audit = (await h.client.get("/api/v1/audit-events", params={"action": "register.nik_lookup"},
                                    headers=h.operator)).json()
        assert [(e["actor"], e["target_id"]) for e in audit] == [
            ("operator:siki:" + dev_operator_email("siki"), NIK[:6] + "********" + NIK[-2:])]


async def test_pages_refuse_an_operator_without_the_role(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    async with running(make_settings()) as h, browser(h) as c:
        await add_operator(h.app, h.client, "ani@registry.example.id", ["registry"], password="a-long-test-password-42")
        assert (await _login(c, "ani@registry.example.id", "a-long-test-password-42")).status_code == 303
        lsps = await c.get("/lsp")
        assert lsps.status_code == 200 and 'id="lsp-LSP-A"' in lsps.text
        assert 'id="nav-pengiriman"' not in lsps.text and 'id="nav-register"' not in lsps.text
        for path in ("/pengiriman", "/surat-mati", "/laporan-ditolak", "/register"):
            refused = await c.get(path)
            assert refused.status_code == 403 and 'id="error-page"' in refused.text, path
        token = _csrf(lsps.text)
        assert (await c.post("/register", data={"csrf_token": token, "nik": NIK})).status_code == 403
        audit = (await h.client.get("/api/v1/audit-events", params={"action": "register.nik_lookup"},
                                    headers=h.operator)).json()
        assert audit == []


async def test_register_dead_letters_and_a_refused_report_resolved(make_settings: Any,
                                                                  lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(200)
    async with running(make_settings()) as h, browser(h) as c:
        body = submission()
        assert (await h.submit(body)).status_code == 202

        def recorded(number: str) -> dict[str, Any]:
            return SkkRecorded(
                recording_number=number, skk_number=f"SKK-{number}", registration_number=f"REG-{number}", nik=NIK,
                lsp_code="LSP-A", application_id=f"app-{number}", klasifikasi_code="SI", subklasifikasi_code="SI01",
                kualifikasi="Ahli", jabatan_kerja_code="SI011", jenjang=7, issued_on=date.today(),
                valid_until=date.today() + timedelta(days=365 * 5)).model_dump(mode="json")

        await h.publish("skk.recorded", recorded("LPJK-2026-00000042"), application_id="app-LPJK-2026-00000042")
        # Published by someone LPJK is not: refused and parked in SIKI's dead-letter queue.
        await h.runtime.bus.publish(EventEnvelope(type=SkkRecorded.event_type, correlation_id=uuid.uuid4().hex,
                                                  source="siki", payload=recorded("F-1")))
        await eventually(lambda: _parked(h), what="a dead letter")
        await _login(c, dev_operator_email("siki"))

        found = await c.post("/register", data={"csrf_token": _csrf((await c.get("/register")).text), "nik": NIK})
        assert found.text.count('data-testid="skk"') == 1 and "SKK-LPJK-2026-00000042" in found.text
        letters = await c.get("/surat-mati")
        assert letters.text.count('data-testid="surat-mati"') == 1 and "may not publish skk.recorded" in letters.text

        async def forwarded() -> bool:
            return [e["status"] for e in await h.timeline(body["id"])] == ["submitted", "forwarded"]

        await eventually(forwarded, what="forwarded")
        assert (await h.report(body["id"], report("competent", report_id="rep-early"))).status_code == 409
        page = await c.get("/laporan-ditolak")
        assert 'id="laporan-rep-early"' in page.text and 'data-state="open"' in page.text
        action = "/laporan-ditolak/rep-early/penyelesaian"
        token = _csrf(page.text)
        no_note = await c.post(action, data={"csrf_token": token, "resolution": "dismissed", "note": " "})
        assert no_note.status_code == 303
        assert "Isi catatan" in (await c.get("/laporan-ditolak")).text
        done = await c.post(action, data={"csrf_token": token, "resolution": "dismissed", "note": "dicek dengan LSP"})
        assert done.status_code == 303
        after = await c.get("/laporan-ditolak", params={"state": "dismissed"})
        assert 'data-state="dismissed"' in after.text and "dicek dengan LSP" in after.text
        audit = (await h.client.get("/api/v1/audit-events", params={"action": "status_report.refusal_resolved"},
                                    headers=h.operator)).json()
        assert [e["target_id"] for e in audit] == ["rep-early"]


async def _parked(h: Harness) -> bool:
    return len(await h.runtime.bus.dead_letter_records("siki")) == 1
