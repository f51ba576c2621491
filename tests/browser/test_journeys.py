"""Journeys in headless Chromium against the running chain (every service its own process, real
RabbitMQ, PostgreSQL and SMTP sink): the pages people use, clicked and typed into as they would.

Set-up a test does not look at (another applicant, a certificate to verify) goes through the
simulator's API clients; what a test is about goes through the pages only.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from scripts.simulator.chains import RunningChain
from scripts.simulator.files import document
from scripts.simulator.journeys import (
    AssessmentDays,
    Chain,
    JourneyResult,
    Plan,
    fill_application,
    lsp_reaches,
    onboard,
)
from shared.reference import get_reference
from tests.browser.applicant import fill_form, login, new_application, register, submit, wait_status
from tests.browser.conftest import NewContext, new_person, screenshot
from tests.browser.staff import act, open_application, schedule, staff_login, worklist_shows

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.asyncio(loop_scope="session")]


# --- (a) LPJK's public verification ---------------------------------------------------------------


async def test_public_page_verifies_a_recorded_certificate(page: Page, running_chain: RunningChain,
                                                           recorded: JourneyResult) -> None:
    cert = recorded.application["certificate"]
    await page.goto(running_chain.urls["lpjk"] + "/")
    await page.get_by_role("textbox", name="Nomor pencatatan LPJK").fill(cert["recording_number"].lower())
    await page.locator("#periksa-nomor").click()
    result = page.locator("#hasil")
    await expect(result).to_have_attribute("data-valid", "true")
    await expect(result).to_have_attribute("data-status", "berlaku")
    await expect(page.locator("#hasil-data")).to_contain_text(cert["skk_number"])
    await expect(page.locator("#hasil-data")).to_contain_text(cert["registration_number"])
    await screenshot(page, "verifikasi")

    # The QR code's content pasted, then one character changed: refused.
    await page.get_by_role("textbox", name="Isi kode QR").fill(cert["qr_payload"])
    await page.locator("#periksa-qr").click()
    await expect(page.locator("#hasil")).to_have_attribute("data-valid", "true")
    await expect(page.locator("#hasil-data")).to_contain_text(cert["recording_number"])
    payload = cert["qr_payload"]
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    await page.get_by_role("textbox", name="Isi kode QR").fill(tampered)
    await page.locator("#periksa-qr").click()
    await expect(page.locator("#hasil")).to_have_attribute("data-valid", "false")

    # The certificate PDF uploaded: its signature and QR checked.
    assert recorded.certificate_pdf is not None
    await page.get_by_label("Berkas sertifikat (PDF)").set_input_files(
        {"name": "sertifikat.pdf", "mimeType": "application/pdf", "buffer": recorded.certificate_pdf})
    await page.locator("#periksa-berkas").click()
    await expect(page.locator("#hasil")).to_have_attribute("data-valid", "true")
    await expect(page.locator("#hasil-berkas li[data-passed=false]")).to_have_count(0)

    # What a phone camera opens: the QR code's URL lands on the page with the same answer.
    await page.goto(cert["verification_url"])
    await expect(page).to_have_url(re.compile(r"/verifikasi/"))
    await expect(page.locator("#hasil")).to_have_attribute("data-valid", "true")


async def test_public_page_says_an_unknown_number_is_not_found(page: Page, running_chain: RunningChain) -> None:
    await page.goto(running_chain.urls["lpjk"] + "/verifikasi")
    await page.locator("#periksa-nomor").click()  # empty: the browser's own check stops it
    await expect(page.locator("#hasil")).to_have_count(0)
    await page.get_by_role("textbox", name="Nomor pencatatan LPJK").fill("LPJK-2026-AAAA-BBBB-CCCC")
    await page.locator("#periksa-nomor").click()
    await expect(page.locator("#hasil")).to_have_attribute("data-valid", "false")


# --- (b)-(e) the applicant's journey, the LSP's staff at their desks --------------------------------


async def test_whole_journey_in_the_browser(new_context: NewContext, running_chain: RunningChain) -> None:
    portal, lsp = running_chain.urls["portal"], running_chain.urls["LSP-A"]
    person, plan = new_person(), Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002")

    # The applicant registers (the link from the email), logs in, fills the seven steps, submits.
    page = await (await new_context()).new_page()
    await register(page, portal, running_chain.mailbox, person, shots=True)
    await login(page, portal, person.email)
    await expect(page.locator("#no-applications")).to_be_visible()
    app_id = await new_application(page, portal)
    await fill_form(page, app_id, person, plan, shots=True)
    await screenshot(page, "ringkasan")
    await submit(page, app_id)
    await page.goto(portal + "/dasbor")
    await expect(page.locator(f'[data-application-id="{app_id}"]')).to_be_visible()
    await screenshot(page, "dasbor")

    # The LSP's admin, in another browser: the worklist, the documents, accepted.
    admin_ctx = await new_context()
    admin = await staff_login(admin_ctx, lsp, "admin")
    await worklist_shows(admin, lsp, app_id)
    await screenshot(admin, "worklist")
    await admin.locator(f'[data-testid="link-{app_id}"]').click()
    await expect(admin.locator("#status")).to_have_attribute("data-status", "forwarded")
    links = admin.locator('#daftar-dokumen a[data-testid^="dok-"]')
    assert await links.count() == 4 + 2 + 2 + 1 + 3  # personal, education, 2 x experience, training, step 7
    for i in range(await links.count()):
        href = await links.nth(i).get_attribute("href")
        opened = await admin_ctx.request.get(lsp + str(href))
        assert opened.ok and opened.headers["content-type"] in ("application/pdf", "image/png"), href
    async with admin_ctx.expect_page() as tab:  # the photo opens inline in a new tab
        await admin.locator("#daftar-dokumen tr", has_text="image/png").locator("a").first.click()
    photo = await tab.value
    await expect(photo.locator("img")).to_be_visible()
    await photo.close()
    await screenshot(admin, "lsp-permohonan")
    await act(admin, "verifikasi", {"decision": "accepted"}, expect_status=re.compile("accepted|invoiced"))

    # The applicant sees the invoice and uploads the proof of payment.
    app_url = f"{portal}/permohonan/{app_id}"
    await wait_status(page, app_url, "invoiced")
    await expect(page.locator("#countdown")).to_be_visible()
    await screenshot(page, "tagihan")
    name, content, ctype = document("payment_proof", person.email)
    await page.locator("#proof-form input[type=file]").set_input_files(
        {"name": name, "mimeType": ctype, "buffer": content})
    await page.locator("#proof-submit").click()
    await wait_status(page, app_url, "payment_uploaded")

    # Staff: payment verified, certification started, scheduled; the assessor reports; the komite decides.
    await open_application(admin, lsp, app_id, "payment_uploaded")
    await act(admin, "pembayaran", {"decision": "valid"}, expect_status="payment_verified")
    await act(admin, "mulai", expect_status="in_certification")
    tuk = next(t["code"] for t in get_reference().tuks.values() if t["lsp_code"] == "LSP-A")
    when = datetime.fromisoformat(AssessmentDays().next("LSP-A", "asesor1"))
    await schedule(admin, "asesor1", tuk, when)
    assessor = await staff_login(await new_context(), lsp, "asesor1")
    await open_application(assessor, lsp, app_id, "scheduled")
    await act(assessor, "laporan", {"recommendation": "K"}, {"notes": "Asesmen selesai; bukti memadai"},
              expect_status="assessed")
    komite = await staff_login(await new_context(), lsp, "komite")
    await open_application(komite, lsp, app_id, "assessed")
    await act(komite, "keputusan", {"result": "kompeten"}, expect_status=re.compile(r"^(?!assessed$)"))

    # The applicant downloads the certificate; the public page verifies it.
    await wait_status(page, app_url, "certificate_issued", timeout=90)
    await screenshot(page, "sertifikat")
    await page.goto(portal + "/notifikasi")
    await expect(page.locator('[data-testid="notification"]').first).to_be_visible()
    await screenshot(page, "notifikasi")
    await page.goto(app_url)
    async with page.expect_download() as download:
        await page.locator("#download-certificate").click()
    pdf = Path(await (await download.value).path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    for form in ("apl01", "apl02"):  # the APL forms, from the same page
        href = await page.locator(f"#download-{form}").get_attribute("href")
        answer = await page.context.request.get(portal + str(href))
        assert answer.ok and (await answer.body()).startswith(b"%PDF-"), form
    number = (await page.locator("#certificate dd").nth(2).inner_text()).strip()
    public = await (await new_context()).new_page()
    await public.goto(running_chain.urls["lpjk"] + "/verifikasi")
    await public.get_by_role("textbox", name="Nomor pencatatan LPJK").fill(number)
    await public.locator("#periksa-nomor").click()
    await expect(public.locator("#hasil")).to_have_attribute("data-valid", "true")


# --- (f) errors, returns, CSRF, other people's URLs ----------------------------------------------


async def applicant_in_browser(new_context: NewContext, running_chain: RunningChain, chain: Chain) -> Page:
    """An applicant registered through the API, logged in on the portal's page."""
    person = new_person()
    await onboard(chain, person)
    page = await (await new_context()).new_page()
    await login(page, running_chain.urls["portal"], person.email)
    return page


async def test_a_field_error_is_shown_beside_its_field(new_context: NewContext, running_chain: RunningChain,
                                                       chain: Chain) -> None:
    page = await applicant_in_browser(new_context, running_chain, chain)
    app_id = await new_application(page, running_chain.urls["portal"])
    await page.locator("#f-personal-nik").fill("12345")
    await page.locator("#f-personal-full_name").fill("Budi Santoso")
    await page.locator("#lanjut").click()
    await expect(page).to_have_url(re.compile(rf"/permohonan/{app_id}/langkah/1$"))
    error = page.locator("#f-personal-nik-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("16")
    nik = page.locator("#f-personal-nik")
    await expect(nik).to_have_attribute("aria-invalid", "true")
    await expect(nik).to_have_value("12345")  # what was typed is kept
    assert "f-personal-nik-error" in str(await nik.get_attribute("aria-describedby"))
    await expect(page.locator("#form-errors")).to_be_visible()
    await screenshot(page, "galat-isian")


async def test_a_returned_application_shows_its_reason(new_context: NewContext, running_chain: RunningChain,
                                                       chain: Chain) -> None:
    person, plan = new_person(), Plan(lsp_code="LSP-B", jabatan_kerja_code="SI032002")
    api = await onboard(chain, person)
    app_id = await fill_application(api, person, plan)
    await api.submit(app_id)
    await lsp_reaches(chain, "LSP-B", app_id, "forwarded")

    lsp = running_chain.urls["LSP-B"]
    admin = await staff_login(await new_context(), lsp, "admin")
    await open_application(admin, lsp, app_id, "forwarded")
    reason = "APL-02 belum ditandatangani asesi"
    await act(admin, "verifikasi", {"decision": "rejected"}, {"reasons": reason}, expect_status="returned")

    page = await (await new_context()).new_page()
    await login(page, running_chain.urls["portal"], person.email)
    await wait_status(page, f"{running_chain.urls['portal']}/permohonan/{app_id}", "returned")
    await expect(page.locator("#reasons")).to_contain_text(reason)
    await expect(page.locator("#fill-form")).to_be_visible()  # back to the form to fix it
    await screenshot(page, "dikembalikan")


async def test_a_form_without_its_csrf_token_is_refused(new_context: NewContext, running_chain: RunningChain,
                                                        chain: Chain) -> None:
    portal = running_chain.urls["portal"]
    page = await applicant_in_browser(new_context, running_chain, chain)
    await page.goto(portal + "/permohonan/baru")
    await page.locator("#form-baru input[name=csrf_token]").evaluate("e => e.remove()")
    async with page.expect_response(re.compile(r"/permohonan/baru$")) as answer:
        await page.locator("#buat-permohonan").click()
    assert (await answer.value).status == 403
    await page.goto(portal + "/dasbor")
    await expect(page.locator("#no-applications")).to_be_visible()  # nothing was created
    # A forged token, another site posting with the session cookie: refused too.
    forged = await page.context.request.post(portal + "/permohonan/baru", form={"csrf_token": "x" * 43},
                                             max_redirects=0)
    assert forged.status == 403
    # Anonymous pages too (the double-submit cookie): LPJK's public form.
    lpjk = await (await new_context()).new_page()
    await lpjk.goto(running_chain.urls["lpjk"] + "/verifikasi")
    await lpjk.locator("#form-nomor input[name=csrf_token]").evaluate("e => e.remove()")
    await lpjk.get_by_role("textbox", name="Nomor pencatatan LPJK").fill("LPJK-2026-AAAA-BBBB-CCCC")
    async with lpjk.expect_response(re.compile(r"/verifikasi/nomor$")) as answer:
        await lpjk.locator("#periksa-nomor").click()
    assert (await answer.value).status == 403


async def test_another_applicants_url_is_refused(new_context: NewContext, running_chain: RunningChain,
                                                 chain: Chain) -> None:
    portal = running_chain.urls["portal"]
    owner = new_person()
    api = await onboard(chain, owner)
    theirs = str((await api.create_application("baru"))["id"])
    page = await applicant_in_browser(new_context, running_chain, chain)
    for path in (f"/permohonan/{theirs}", f"/permohonan/{theirs}/langkah/1", f"/permohonan/{theirs}/ringkasan",
                 f"/permohonan/{theirs}/sertifikat", f"/permohonan/{theirs}/formulir/apl01"):
        answer = await page.goto(portal + path)
        assert answer is not None and answer.status == 404, path
        await expect(page.locator("body")).not_to_contain_text(owner.nik)
    # Writing to it is refused as well (with a valid token of one's own).
    await page.goto(portal + "/permohonan/baru")
    token = await page.locator("#form-baru input[name=csrf_token]").get_attribute("value")
    posted = await page.context.request.post(f"{portal}/permohonan/{theirs}/langkah/1", max_redirects=0,
                                             multipart={"csrf_token": str(token), "aksi": "simpan",
                                                        "personal.full_name": "Penyusup"})
    assert posted.status == 404
    assert "personal" not in (await api.get_application(theirs))["sections"]
