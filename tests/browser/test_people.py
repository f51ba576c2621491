"""The other people at their pages: SIKI's operators, an LSP's manager administering staff, the
applicant's account (logout, password reset), a rejected payment proof, an appeal, and the form
on a phone."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from scripts.simulator.api import DEV_OPERATOR_EMAIL
from scripts.simulator.chains import RunningChain
from scripts.simulator.files import document
from scripts.simulator.journeys import (
    Chain,
    JourneyResult,
    Plan,
    assess,
    fill_application,
    lsp_reaches,
    onboard,
    pay,
    portal_reaches,
)
from shared.settings import DEV_PASSWORD
from tests.browser.applicant import login, new_application, wait_status
from tests.browser.conftest import NewContext, new_person, screenshot
from tests.browser.staff import act, open_application, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.asyncio(loop_scope="session")]


# --- SIKI's operators ------------------------------------------------------------------------------


async def test_siki_operator_sees_deliveries_and_the_register(page: Page, running_chain: RunningChain,
                                                              recorded: JourneyResult) -> None:
    siki = running_chain.urls["siki"]
    await page.goto(siki + "/")
    await expect(page).to_have_url(re.compile(r"/masuk"))  # the pages need a login
    await page.locator("#email").fill(DEV_OPERATOR_EMAIL)
    await page.locator("#password").fill(DEV_PASSWORD)
    await page.locator("#masuk").click()
    await expect(page).to_have_url(re.compile(r"/pengiriman"))
    await page.locator("#f-application_id").fill(str(recorded.application_id))
    await page.locator("#saring").click()
    await expect(page.locator('#daftar-pengiriman [data-testid="pengiriman"]').first).to_be_visible()
    await screenshot(page, "siki-pengiriman")
    await page.goto(siki + "/register")
    await page.locator("#nik").fill(recorded.person.nik)
    await page.locator("#cari-nik").click()
    await expect(page.locator("#daftar-skk")).to_contain_text(recorded.application["certificate"]["skk_number"])
    await screenshot(page, "siki-register")
    for path in ("/surat-mati", "/laporan-ditolak", "/lsp"):
        answer = await page.goto(siki + path)
        assert answer is not None and answer.status == 200, path


# --- an LSP's manager administers the staff -----------------------------------------------------


async def test_manager_adds_a_staff_member_who_activates_and_logs_in(new_context: NewContext,
                                                                     running_chain: RunningChain) -> None:
    lsp = running_chain.urls["LSP-B"]
    manager = await staff_login(await new_context(), lsp, "manajer")
    await manager.goto(lsp + "/staf")
    username, email = "admin" + uuid.uuid4().hex[:6], f"staf.{uuid.uuid4().hex[:8]}@lsp-b.example.com"
    form = manager.locator("#form-staf-baru")
    await form.locator("#f-username").fill(username)
    await form.locator("#f-full_name").fill("Siti Rahmawati")
    await form.locator("#f-email").fill(email)
    await manager.locator("#baru-peran-admin").check()
    await manager.locator("#buat-staf").click()
    await expect(manager.locator(f"#staf-{username}")).to_be_visible()
    await screenshot(manager, "lsp-staf")

    mails = await running_chain.mailbox.wait_for(email, timeout=60)
    links = [m for mail in mails for m in re.findall(r"https?://\S+/aktivasi-staf\?token=[^\s\"<>]+", mail.body)]
    assert links, [m.subject for m in mails]
    page = await (await new_context()).new_page()
    await page.goto(links[-1])
    await page.locator("#f-password").fill("Staf-Baru-Kuat-2026!")
    await page.locator("#f-password_repeat").fill("Staf-Baru-Kuat-2026!")
    await page.locator("#aktifkan").click()
    await staff_login(page.context, lsp, username, "Staf-Baru-Kuat-2026!")


# --- the applicant's account: logout, password reset; an appeal -----------------------------------


async def test_logout_and_password_reset(new_context: NewContext, running_chain: RunningChain, chain: Chain) -> None:
    portal = running_chain.urls["portal"]
    person = new_person()
    await onboard(chain, person)
    page = await (await new_context()).new_page()
    await login(page, portal, person.email)
    await page.locator("#nav-keluar").click()
    await page.goto(portal + "/dasbor")
    await expect(page).to_have_url(re.compile(r"/masuk"))  # the session is gone

    await page.locator("#link-lupa").click()
    await page.locator("#f-email").fill(person.email)
    await page.locator("#reset-ask-submit").click()
    await expect(page).to_have_url(re.compile(r"/masuk$"))
    link = re.compile(r"https?://\S+/reset-password\?token=[A-Za-z0-9_\-%.~]+")
    mails = await running_chain.mailbox.wait_for(person.email, "", timeout=60, count=2)
    found = [m for mail in mails for m in link.findall(mail.body)]
    assert found, [m.subject for m in mails]
    await page.goto(found[-1])
    new_password = "Sandi-Baru-Pemohon-2026!"
    await page.locator("#f-password").fill(new_password)
    await page.locator("#f-password_repeat").fill(new_password)
    await page.locator("#reset-set-submit").click()
    await expect(page).to_have_url(re.compile(r"/masuk$"))
    await login(page, portal, person.email, new_password)


async def test_appeal_filed_and_decided_in_the_browser(new_context: NewContext, running_chain: RunningChain,
                                                       chain: Chain) -> None:
    """Belum Kompeten (set up through the API), the applicant appeals on the portal's page, a komite
    who did not decide answers on the LSP's page, the applicant sees the answer."""
    person, plan = new_person(), Plan(lsp_code="LSP-B", jabatan_kerja_code="SI032002")
    api = await onboard(chain, person)
    app_id = await fill_application(api, person, plan)
    await api.submit(app_id)
    staff = chain.staff["LSP-B"]
    await lsp_reaches(chain, "LSP-B", app_id, "forwarded")
    await staff.verify_application(app_id, "accepted")
    await portal_reaches(chain, api, app_id, "invoiced")
    await pay(api, app_id, person)
    await lsp_reaches(chain, "LSP-B", app_id, "payment_uploaded")
    await staff.verify_payment(app_id, "valid")
    await staff.start_certification(app_id)
    await assess(chain, "LSP-B", app_id, "asesor1", "BK")

    portal = running_chain.urls["portal"]
    page = await (await new_context()).new_page()
    await login(page, portal, person.email)
    await wait_status(page, f"{portal}/permohonan/{app_id}", "not_yet_competent")
    await page.locator("#f-reason").fill("Saya keberatan: bukti portofolio proyek belum diperiksa asesor.")
    await screenshot(page, "banding")
    await page.locator("#appeal-submit").click()
    await wait_status(page, f"{portal}/permohonan/{app_id}", "appealed")

    lsp = running_chain.urls["LSP-B"]
    komite = await staff_login(await new_context(), lsp, "komite2")
    await open_application(komite, lsp, app_id, "appealed")
    await act(komite, "banding", {"decision": "rejected"}, {"reasons": "Bukti telah diperiksa ulang; tetap BK"},
              expect_status="appeal_rejected")
    await wait_status(page, f"{portal}/permohonan/{app_id}", "appeal_rejected")


async def test_rejected_payment_proof_uploaded_again(new_context: NewContext, running_chain: RunningChain,
                                                     chain: Chain) -> None:
    person, plan = new_person(), Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002")
    api = await onboard(chain, person)
    app_id = await fill_application(api, person, plan)
    await api.submit(app_id)
    await lsp_reaches(chain, "LSP-A", app_id, "forwarded")
    await chain.staff["LSP-A"].verify_application(app_id, "accepted")
    await portal_reaches(chain, api, app_id, "invoiced")
    await pay(api, app_id, person)

    lsp = running_chain.urls["LSP-A"]
    admin = await staff_login(await new_context(), lsp, "admin")
    await open_application(admin, lsp, app_id, "payment_uploaded")
    reason = "Nominal transfer tidak sesuai tagihan"
    await act(admin, "pembayaran", {"decision": "invalid"}, {"reasons": reason}, expect_status="payment_rejected")

    portal = running_chain.urls["portal"]
    app_url = f"{portal}/permohonan/{app_id}"
    page = await (await new_context()).new_page()
    await login(page, portal, person.email)
    await wait_status(page, app_url, "payment_rejected")
    await expect(page.locator("#application")).to_contain_text(reason)
    name, content, ctype = document("payment_proof", person.email)
    await page.locator("#proof-form input[type=file]").set_input_files(
        {"name": name, "mimeType": ctype, "buffer": content})
    await page.locator("#proof-submit").click()
    await wait_status(page, app_url, "payment_uploaded")
    await open_application(admin, lsp, app_id, "payment_uploaded")
    await act(admin, "pembayaran", {"decision": "valid"}, expect_status="payment_verified")


# --- a phone ----------------------------------------------------------------------------------------


async def test_the_form_fits_a_phone(new_context: NewContext, running_chain: RunningChain, chain: Chain) -> None:
    """Most applicants are on a phone: no sideways scrolling, large touch targets."""
    person = new_person()
    await onboard(chain, person)
    phone = await new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              device_scale_factor=2)
    page = await phone.new_page()
    await login(page, running_chain.urls["portal"], person.email)
    await new_application(page, running_chain.urls["portal"])
    for selector in ("#lanjut", "#simpan", "#f-personal-nik", "#f-personal-province_code"):
        box = await page.locator(selector).bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await screenshot(page, "formulir-ponsel")
