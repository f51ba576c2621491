"""Certificates issued before the compact QR payload (issue 16) carry a JWS in the API URL their QR
code prints: every way LPJK verifies keeps accepting it, next to the compact form."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import update

from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.domain import qr
from services.lpjk_mock.tests.helpers import auth, qr_claims, record_body, running
from services.lpjk_mock.tests.test_web_verification import _certificate_pdf, _form, _verdict


async def _issued_before(app: Any, rec: dict[str, Any]) -> str:
    """The record turned into one signed before the compact form: its stored payload a JWS."""
    token = qr.sign(qr_claims(rec["qr_payload"]), qr.dev_signing_key(), "lpjk-dev-1")
    async with app.state.runtime.sessions() as s, s.begin():
        await s.execute(update(SkkRecord).where(SkkRecord.recording_number == rec["recording_number"])
                        .values(qr_payload=token))
    return token


async def test_a_certificate_issued_with_a_jws_still_verifies_everywhere(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):  # http: the page's cookies reach the test client
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        token = await _issued_before(app, rec)
        csrf = await _form(client)
        number = rec["recording_number"]
        old_url = f"{app.state.lpjk_public_url.rstrip('/')}/api/v1/public/certificates/{number}?qr={token}"

        # Its record answers with the URL its QR code printed.
        again = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        assert again["qr_payload"] == token and again["verification_url"] == old_url

        by_number = (await client.get(f"/api/v1/public/certificates/{number}", params={"qr": token})).json()
        assert by_number["valid"] is True and by_number["key_id"] == "lpjk-dev-1"
        for pasted in (token, old_url):
            res = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": pasted})).json()
            assert res["valid"] is True and res["recording_number"] == number, res
        browser = await client.get(f"/api/v1/public/certificates/{number}", params={"qr": token},
                                   headers={"accept": "text/html"})
        assert browser.status_code == 303 and browser.headers["location"].startswith(f"/verifikasi/{number}?qr=")
        page = await client.get(browser.headers["location"])
        assert _verdict(page.text) == ("true", "berlaku")

        # The PDF drawn then (its QR code the old URL) passes the page's PDF check, QR pixels included.
        pdf = await asyncio.to_thread(_certificate_pdf, again)
        r = await client.post("/verifikasi/berkas", data={"csrf_token": csrf},
                              files={"berkas": ("sertifikat.pdf", pdf, "application/pdf")})
        assert _verdict(r.text) == ("true", "berlaku") and r.text.count('data-passed="true"') == 3

        # A JWS of this record with a changed claim is refused as before.
        forged = qr.sign({**qr_claims(token), "vu": "2099-01-01"}, qr.dev_signing_key(), "lpjk-dev-1")
        header, _, signature = token.split(".")
        spliced = f"{header}.{forged.split('.')[1]}.{signature}"
        res = (await client.get(f"/api/v1/public/certificates/{number}", params={"qr": spliced})).json()
        assert res["valid"] is False and "bad signature" in res["reason"]


async def test_a_compact_payload_names_its_own_record(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        one = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        two = (await client.post("/api/v1/records", json=record_body("SI012022.4.2026.0000002", "app-2"),
                                 headers=auth())).json()
        ok = (await client.get(f"/api/v1/public/certificates/{one['recording_number']}",
                               params={"qr": one["verification_url"]})).json()
        assert ok["valid"] is True
        other = (await client.get(f"/api/v1/public/certificates/{one['recording_number']}",
                                  params={"qr": two["qr_payload"]})).json()
        assert other["valid"] is False and other["reason"] == "QR payload belongs to another record"
