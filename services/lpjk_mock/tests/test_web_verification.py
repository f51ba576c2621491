"""The public verification page: a recorded certificate verified by its number, by its QR
payload, through the QR code's own URL and as the signed PDF the LSP issues; an unknown number;
the per-client allowance; CSRF."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

import httpx

from services.lpjk_mock.tests.helpers import auth, record_body, running

HASIL = re.compile(r'<section class="card" id="hasil"[^>]*data-valid="(true|false)"\s+data-status="([a-z-]+)"')


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def _verdict(html: str) -> tuple[str, str]:
    match = HASIL.search(html)
    assert match, "no result on the page"
    return match.group(1), match.group(2)


async def _form(client: httpx.AsyncClient) -> str:
    page = await client.get("/verifikasi")
    assert page.status_code == 200 and 'id="periksa-nomor"' in page.text
    return _csrf(page.text)


async def _record(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.post("/api/v1/records", json=record_body(), headers=auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


def _certificate_pdf(rec: dict[str, Any], *, number: str | None = None, url: str | None = None,
                     signer: str = "LSP-A") -> bytes:
    from services.lsp.issuance.pdf import CertificateData, render_certificate
    from services.lsp.issuance.signing import dev_identity, sign_pdf

    body = record_body()
    data = CertificateData(
        full_name=body["full_name"], nik=body["nik"], klasifikasi_code="SI", subklasifikasi_code="SI01",
        jabatan_kerja_code="SI012022", kualifikasi="Teknisi/Analis", jenjang=4, lsp_code="LSP-A",
        lsp_name="LSP Konstruksi A (dev)", skk_number=rec["skk_number"], registration_number=rec["registration_number"],
        recording_number=number or rec["recording_number"], issued_on=date.fromisoformat(rec["issued_on"]),
        valid_until=date.fromisoformat(rec["valid_until"]), verification_url=url or rec["verification_url"])
    return asyncio.run(sign_pdf(render_certificate(data), dev_identity(signer, data.lsp_name), lsp_name=data.lsp_name))


async def test_a_recorded_certificate_verified_by_number_and_by_qr_payload(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = await _record(client)
        token = await _form(client)
        typed = rec["recording_number"].lower().replace("-", "")
        by_number = await client.post("/verifikasi/nomor", data={"csrf_token": token, "nomor": typed})
        assert by_number.status_code == 200
        assert _verdict(by_number.text) == ("true", "berlaku")
        assert rec["recording_number"] in by_number.text and "B*** S******" in by_number.text
        assert "Budi Santoso" not in by_number.text and record_body()["nik"] not in by_number.text

        for pasted in (rec["qr_payload"], rec["verification_url"]):
            by_qr = await client.post("/verifikasi/qr", data={"csrf_token": token, "qr": pasted})
            assert by_qr.status_code == 200 and _verdict(by_qr.text) == ("true", "berlaku")
        forged = rec["qr_payload"][:-6] + ("AAAAAA" if not rec["qr_payload"].endswith("AAAAAA") else "BBBBBB")
        bad = await client.post("/verifikasi/qr", data={"csrf_token": token, "qr": forged})
        assert _verdict(bad.text) == ("false", "qr-tidak-sah")


async def test_the_qr_code_opens_the_page_in_a_browser_and_json_elsewhere(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = await _record(client)
        path = rec["verification_url"].split("://", 1)[1].split("/", 1)[1]
        assert path == f"V/{rec['qr_payload']}"  # the compact payload's short URL (issue 16)
        browser = await client.get("/" + path, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert browser.status_code == 303 and browser.headers["cache-control"] == "no-store"
        # To the record's page, as the older QR codes: it checks the payload and that it names the record.
        assert browser.headers["location"].startswith(f"/verifikasi/{rec['recording_number']}?qr=")
        page = await client.get(browser.headers["location"])
        assert page.status_code == 200 and _verdict(page.text) == ("true", "berlaku")
        assert rec["recording_number"] in page.text and "B*** S******" in page.text
        unreadable = await client.get("/V/NOT0A0PAYLOAD", headers={"accept": "text/html"})
        assert unreadable.status_code == 303 and unreadable.headers["location"] == "/verifikasi?qr=NOT0A0PAYLOAD"
        page = await client.get(unreadable.headers["location"])
        assert _verdict(page.text) == ("false", "qr-tidak-sah")
        scanner = await client.get("/" + path, headers={"accept": "application/json"})
        assert scanner.status_code == 200 and scanner.json()["valid"] is True
        assert scanner.json()["recording_number"] == rec["recording_number"]
        forged = await client.get("/" + path[:-3] + ("000" if not path.endswith("000") else "111"))
        assert forged.status_code == 200 and forged.json()["valid"] is False
        too_long = await client.get("/V/" + "A" * 8001)
        assert too_long.status_code == 422
        bare = await client.get("/verifikasi", params={"qr": rec["qr_payload"]})
        assert _verdict(bare.text) == ("true", "berlaku")


async def test_an_unknown_number_is_not_found(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        token = await _form(client)
        r = await client.post("/verifikasi/nomor", data={"csrf_token": token, "nomor": "LPJK-2026-00000099"})
        assert r.status_code == 200 and _verdict(r.text) == ("false", "tidak-ditemukan")
        assert "tidak ditemukan" in r.text
        typo = await client.post("/verifikasi/nomor", data={"csrf_token": token, "nomor": "LPJK-2026-7KD3-M9QX-2HZ5"})
        assert _verdict(typo.text)[1] in ("nomor-salah", "tidak-ditemukan")
        empty = await client.post("/verifikasi/nomor", data={"csrf_token": token, "nomor": " "})
        assert empty.status_code == 422 and 'id="nomor-error"' in empty.text


async def test_the_signed_pdf_is_checked_signature_and_qr(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = await _record(client)
        token = await _form(client)
        genuine = await asyncio.to_thread(_certificate_pdf, rec)
        r = await client.post("/verifikasi/berkas", data={"csrf_token": token},
                              files={"berkas": ("sertifikat.pdf", genuine, "application/pdf")})
        assert r.status_code == 200 and _verdict(r.text) == ("true", "berlaku"), r.text[-3000:]
        # The signature, the signer (LSP-A's certificate in LPJK's trust list) and the QR code.
        assert r.text.count('data-passed="true"') == 3 and "LSP-A e-Sertifikat (dev)" in r.text
        assert "sertifikat penanda tangan adalah sertifikat LSP-A di daftar tepercaya LPJK" in r.text

        # Intact and valid, but signed with another LSP's key: not the LSP that issued it.
        foreign = await asyncio.to_thread(_certificate_pdf, rec, signer="LSP-B")
        r = await client.post("/verifikasi/berkas", data={"csrf_token": token},
                              files={"berkas": ("sertifikat.pdf", foreign, "application/pdf")})
        assert _verdict(r.text) == ("false", "berkas-tidak-sah")
        assert "sertifikat penanda tangan bukan sertifikat LSP-A di daftar tepercaya LPJK" in r.text

        # One byte changed inside the signed range: the signature no longer holds.
        tampered = bytearray(genuine)
        i = genuine.index(b"e-Sertifikat SKK Konstruksi")
        tampered[i] = ord("E")
        r = await client.post("/verifikasi/berkas", data={"csrf_token": token},
                              files={"berkas": ("sertifikat.pdf", bytes(tampered), "application/pdf")})
        assert _verdict(r.text) == ("false", "berkas-tidak-sah")

        # A genuinely signed PDF whose QR code is not LPJK's for the printed number.
        other = await asyncio.to_thread(_certificate_pdf, rec, url=rec["verification_url"] + "x")
        r = await client.post("/verifikasi/berkas", data={"csrf_token": token},
                              files={"berkas": ("sertifikat.pdf", other, "application/pdf")})
        assert _verdict(r.text) == ("false", "berkas-tidak-sah") and 'data-passed="false"' in r.text

        junk = await client.post("/verifikasi/berkas", data={"csrf_token": token},
                                 files={"berkas": ("x.pdf", b"not a pdf", "application/pdf")})
        assert junk.status_code == 415 and 'id="berkas-error"' in junk.text


async def test_the_allowance_answers_a_429_page(sqlite_url: str) -> None:
    async with running(sqlite_url, public_verification_limits="2/minute") as (_, client):
        token = await _form(client)
        statuses = []
        for _ in range(3):
            r = await client.post("/verifikasi/nomor", data={"csrf_token": token, "nomor": "LPJK-2026-00000001"})
            statuses.append(r.status_code)
        assert statuses == [200, 200, 429]
        assert 'id="terbatas"' in r.text and int(r.headers["Retry-After"]) >= 1
        assert (await client.get("/verifikasi", params={"qr": "x.y.z"})).status_code == 429


async def test_a_post_without_the_csrf_token_is_refused(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        token = await _form(client)
        missing = await client.post("/verifikasi/nomor", data={"nomor": "LPJK-2026-00000001"})
        assert missing.status_code == 403 and 'id="hasil"' not in missing.text
        wrong = await client.post("/verifikasi/qr", data={"csrf_token": "0" * 64, "qr": "x"})
        assert wrong.status_code == 403
        # Another visitor's token (a different CSRF cookie) is refused too.
        async with httpx.AsyncClient(transport=client._transport, base_url="http://lpjk") as stranger:
            await stranger.get("/verifikasi")
            assert (await stranger.post("/verifikasi/nomor", data={"csrf_token": token,
                                                                     "nomor": "LPJK-2026-00000001"})).status_code == 403


async def test_the_page_shows_the_standing_in_bahasa_indonesia(sqlite_url: str) -> None:
    from shared.tests.operators import create_operator_session

    async with running(sqlite_url) as (_, client):
        rec = await _record(client)
        rn = rec["recording_number"]
        op = await create_operator_session(client, "lpjk")

        async def page() -> str:
            return (await client.get(f"/verifikasi/{rn}")).text

        assert _verdict(html := await page()) == ("true", "berlaku") and "<dd>berlaku</dd>" in html
        await client.post(f"/api/v1/records/{rn}/suspension", json={"reason": "x"}, headers=op)
        html = await page()
        assert _verdict(html) == ("false", "dibekukan") and "Sertifikat sedang dibekukan" in html
        assert "<dd>dibekukan</dd>" in html
        await client.post(f"/api/v1/records/{rn}/reinstatement", json={"reason": "x"}, headers=op)
        change = record_body(application_id="app-2", full_name="Budi Santosa", replaces=rn)
        new = (await client.post("/api/v1/records", json=change, headers=auth())).json()["recording_number"]
        html = await page()
        assert _verdict(html) == ("false", "digantikan")
        assert f"Sertifikat telah digantikan oleh sertifikat {new}" in html
        assert f"<dd>digantikan oleh {new}</dd>" in html
        await client.post(f"/api/v1/records/{new}/revocation", json={"reason": "x"}, headers=op)
        html = (await client.get(f"/verifikasi/{new}")).text
        assert _verdict(html) == ("false", "dicabut") and "<dd>dicabut</dd>" in html
        old = await client.post("/api/v1/records", json=record_body("SI012022.4.2020.0000001", "app-3",
                                                                     issued_on="2020-01-01",
                                                                     valid_until="2025-01-01"), headers=auth())
        html = (await client.get(f"/verifikasi/{old.json()['recording_number']}")).text
        assert _verdict(html) == ("false", "kedaluwarsa") and "<dd>kedaluwarsa</dd>" in html
