"""The application's page after submission, in-process: the invoice with its due date and
working-day countdown, the payment proof upload (its error beside the field), the timeline with
the LSP's reasons, the schedule, the appeal (its error beside the field), and the downloads."""

from __future__ import annotations

import re

import httpx
import respx

from services.portal.tests.factories import PDF_BYTES, Portal
from services.portal.tests.test_after_submit import (
    CERT_PDF,
    PATH_TO_INVOICED,
    PATH_TO_ISSUED,
    PATH_TO_NYC,
    SIKI,
    advance,
    submitted,
)


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert m
    return m.group(1)


def _browser(portal: Portal, headers: dict[str, str]) -> httpx.AsyncClient:
    """A browser signed in with the applicant's session (the same bearer token the API issued)."""
    token = headers["Authorization"].removeprefix("Bearer ")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=portal.app), base_url="http://portal.test",
                             cookies={"skk_session_portal": token})


async def test_invoice_proof_and_timeline(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    async with _browser(portal, applicant) as browser:
        page = await browser.get(f"/permohonan/{app_id}")
        html = page.text
        assert page.status_code == 200 and 'data-status="invoiced"' in html
        assert "Rp 1.500.000" in html and 'id="invoice-due"' in html
        assert re.search(r'data-testid="countdown" data-days="\d+"', html) and "hari kerja lagi" in html
        assert 'id="proof-form"' in html and 'enctype="multipart/form-data"' in html
        assert html.count('data-testid="timeline-entry"') >= 4 and "Menunggu pembayaran" in html
        # a file that is no PDF/JPEG/PNG: the error beside the file field, nothing sent to SIKI
        proofs = f"{SIKI}/{app_id}/payment-proofs"
        with respx.mock:
            route = respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
            r = await browser.post(f"/permohonan/{app_id}/bukti-bayar", data={"csrf_token": _csrf(html)},
                                   files={"file": ("bukti.txt", b"not a pdf", "text/plain")})
            assert r.status_code == 400 and not route.called
            block = r.text.split('data-field="file"')[1]
            assert 'data-testid="error-file"' in block
            r = await browser.post(f"/permohonan/{app_id}/bukti-bayar", data={"csrf_token": _csrf(html)},
                                   files={"file": ("bukti.pdf", PDF_BYTES, "application/pdf")})
            assert r.status_code == 303 and route.called
        page = await browser.get(f"/permohonan/{app_id}")
        assert 'data-status="payment_uploaded"' in page.text and 'data-testid="flash-success"' in page.text
        await advance(portal, app_id, [("payment_rejected", {"reasons": ["nominal kurang"]})], seq)
        page = await browser.get(f"/permohonan/{app_id}")
        assert 'data-testid="reasons"' in page.text and "nominal kurang" in page.text
        assert 'id="proof-form"' in page.text


async def test_schedule_appeal_and_error_beside_reason(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, PATH_TO_NYC, seq)
    async with _browser(portal, applicant) as browser:
        page = await browser.get(f"/permohonan/{app_id}")
        html = page.text
        assert 'data-status="not_yet_competent"' in html and 'id="appeal-form"' in html
        assert 'data-testid="schedule"' in html and "Batas akhir pengajuan banding" in html
        appeals = f"{SIKI}/{app_id}/appeals"
        with respx.mock:
            route = respx.post(appeals).mock(return_value=httpx.Response(202, json={}))
            r = await browser.post(f"/permohonan/{app_id}/banding", data={"csrf_token": _csrf(html), "reason": "x"})
            assert r.status_code == 400 and not route.called
            block = r.text.split('data-field="reason"')[1]
            assert 'data-testid="error-reason"' in block and "Terlalu pendek." in block
            r = await browser.post(f"/permohonan/{app_id}/banding", data={
                "csrf_token": _csrf(html), "reason": "Asesmen tidak sesuai dengan skema yang berlaku."})
            assert r.status_code == 303 and route.called
        page = await browser.get(f"/permohonan/{app_id}")
        assert 'data-status="appealed"' in page.text


async def test_certificate_download_with_the_cookie(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, PATH_TO_ISSUED, seq)
    async with _browser(portal, applicant) as browser:
        page = await browser.get(f"/permohonan/{app_id}")
        assert 'id="download-certificate"' in page.text and "SKK-1" in page.text
        assert 'id="download-apl01"' in page.text
        with respx.mock:
            respx.get(f"{SIKI}/{app_id}/certificate").mock(return_value=httpx.Response(200, content=CERT_PDF))
            respx.get(f"{SIKI}/{app_id}/forms/apl01").mock(return_value=httpx.Response(200, content=CERT_PDF))
            respx.get(f"{SIKI}/{app_id}/forms/apl02").mock(return_value=httpx.Response(404, json={}))
            r = await browser.get(f"/permohonan/{app_id}/sertifikat")
            assert r.status_code == 200 and r.content == CERT_PDF and r.headers["content-type"] == "application/pdf"
            assert r.headers["content-disposition"].startswith("attachment")
            r = await browser.get(f"/permohonan/{app_id}/formulir/apl01")
            assert r.status_code == 200 and r.content == CERT_PDF
            r = await browser.get(f"/permohonan/{app_id}/formulir/apl02")
            assert r.status_code == 404 and "belum tersedia" in r.text
