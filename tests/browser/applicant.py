"""The applicant in the browser, on the portal's pages: register (the activation link read from
the SMTP sink), log in, fill the seven steps with their uploads, submit, and wait for what the
chain does next. Selectors are the pages' stable ids (``f-<section>-<path>`` for the form)."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

from playwright.async_api import Dialog, Page, expect

from scripts.simulator.files import document
from scripts.simulator.journeys import PASSWORD, Plan, qualification_of
from scripts.simulator.mailbox import Mailbox
from scripts.simulator.people import Person
from shared.reference import get_reference
from tests.browser.conftest import screenshot

LINK = re.compile(r"https?://\S+/activate\?token=[A-Za-z0-9_\-%.~]+")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def accept_dialogs(page: Page) -> None:
    """Answer "OK" to the pages' confirm() questions (submit, ...) as the applicant would."""
    def accept(dialog: Dialog) -> None:
        asyncio.ensure_future(dialog.accept())  # noqa: RUF006 - Playwright awaits it itself
    page.on("dialog", accept)


async def register(page: Page, portal: str, mailbox: Mailbox, person: Person, password: str = PASSWORD,
                   *, shots: bool = False) -> None:
    """Register with the data-truth consent, open the emailed link, set the password."""
    await page.goto(portal + "/daftar")
    await page.locator("#f-first_name").fill(person.first_name)
    await page.locator("#f-last_name").fill(person.last_name)
    await page.locator("#f-email").fill(person.email)
    await page.locator("#f-phone").fill(person.phone)
    await page.locator("#f-is_individual").select_option("1")
    await page.locator("#f-data_truth_consent").check()
    if shots:
        await screenshot(page, "daftar")
    await page.locator("#register-submit").click()
    await expect(page).to_have_url(re.compile(r"/masuk$"))
    mails = await mailbox.wait_for(person.email, timeout=60)
    links = [m for mail in mails for m in LINK.findall(mail.body)]
    assert links, f"no activation link in the emails to {person.email}"
    await page.goto(links[-1].replace("&amp;", "&"))
    await page.locator("#f-password").fill(password)
    await page.locator("#f-password_repeat").fill(password)
    await page.locator("#activate-submit").click()
    await expect(page).to_have_url(re.compile(r"/masuk$"))


async def login(page: Page, portal: str, email: str, password: str = PASSWORD) -> None:
    await page.goto(portal + "/masuk")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(password)
    await page.locator("#login-submit").click()
    await expect(page).to_have_url(re.compile(r"/dasbor$"))


async def upload(page: Page, input_id: str, kind: str, owner: str) -> None:
    """Choose a file in a document slot; form.js sends it at once and fills the slot."""
    name, content, ctype = document(kind, owner)
    await page.locator(f"#{input_id}").set_input_files({"name": name, "mimeType": ctype, "buffer": content})
    await expect(page.locator(f"#{input_id}-current")).to_have_attribute("data-uploaded", re.compile(".+"))


async def fill(page: Page, values: dict[str, str]) -> None:
    """Inputs by id: a <select> gets the option, anything else is typed into."""
    for input_id, value in values.items():
        field = page.locator(f"#{input_id}")
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)


async def new_application(page: Page, portal: str) -> str:
    """From the dashboard: a new draft; its id (the form opens at step 1)."""
    await page.goto(portal + "/dasbor")
    await page.locator("#new-application").click()
    if "/permohonan/baru" in page.url:
        await page.locator("#buat-permohonan").click()
    await expect(page).to_have_url(re.compile(rf"/permohonan/{UUID}/langkah/1$"))
    found = re.search(UUID, page.url)
    assert found
    return found.group(0)


async def next_step(page: Page, app_id: str, step: int) -> None:
    await page.locator("#lanjut").click()
    target = f"/permohonan/{app_id}/langkah/{step + 1}" if step < 7 else f"/permohonan/{app_id}/ringkasan"
    await expect(page).to_have_url(re.compile(re.escape(target) + "$"))


async def fill_form(page: Page, app_id: str, person: Person, plan: Plan, *, shots: bool = False) -> None:
    """All seven steps, each saved and continued, with every upload; ends on the summary."""
    owner, today = person.email, date.today()
    f = "f-personal-"
    await fill(page, {
        f + "nik": person.nik, f + "full_name": person.full_name, f + "birth_place": person.birth_place,
        f + "birth_date": person.birth_date.isoformat(), f + "email": person.email, f + "phone": person.phone,
        f + "npwp": person.npwp, f + "gender": person.gender, f + "address": person.address,
        f + "country": "Indonesia", f + "province_code": person.province_code,
        f + "regency_code": person.regency_code, f + "postal_code": person.postal_code,
    })
    for kind in ("ktp", "npwp", "data_statement", "photo"):
        await upload(page, f"{f}documents-{kind}", kind, owner)
    if shots:
        await screenshot(page, "formulir")
    await next_step(page, app_id, 1)

    f = "f-education-items-0-"
    graduation = min(today.year - 8, person.birth_date.year + 23)
    await fill(page, {
        f + "institution": "Universitas Indonesia", f + "study_program": "Teknik Sipil",
        f + "diploma_number": f"UI/{graduation}/4321", f + "graduation_year": str(graduation), f + "level": "S1",
        f + "address": "Jl. Margonda Raya, Depok", f + "country": "Indonesia", f + "province_code": "32",
        f + "regency_code": "32.76",
    })
    for kind in ("diploma", "institution_statement"):
        await upload(page, f"{f}documents-{kind}", kind, owner)
    await next_step(page, app_id, 2)

    ahli = get_reference().jabatan_kerja[plan.jabatan_kerja_code]["kualifikasi"] == "Ahli"
    projects = [("Pembangunan Jalan Tol Trans Jawa", "33", 365 * 7, 365 * 3, "Pelaksana Lapangan", "125000000000"),
                ("Gedung Perkantoran Jakarta Selatan", "31", 365 * 3 + 30, 30, "Site Engineer", "48000000000")]
    for i, (name, province, start, end, position, value) in enumerate(projects):
        if i:  # a second item: "add" saves the step and shows one more
            await page.locator("#tambah").click()
            await expect(page.locator(f"#f-experience-items-{i}-project_name")).to_be_visible()
        f = f"f-experience-items-{i}-"
        await fill(page, {
            f + "experience_kind": "professional" if ahli else "work", f + "project_name": name,
            f + "province_code": province, f + "start_date": (today - timedelta(days=start)).isoformat(),
            f + "end_date": (today - timedelta(days=end)).isoformat(), f + "position": position,
            f + "project_value": value,
        })
        await upload(page, f"{f}documents-reference_letter", "reference_letter", owner)
    await next_step(page, app_id, 3)

    if not await page.locator("#f-training-items-0-organizer").count():
        await page.locator("#tambah").click()
    f = "f-training-items-0-"
    await fill(page, {
        f + "organizer": "Balai Jasa Konstruksi", f + "name": "Pelatihan K3 Konstruksi",
        f + "start_date": (today - timedelta(days=400)).isoformat(),
        f + "end_date": (today - timedelta(days=396)).isoformat(), f + "lesson_hours": "40", f + "days": "5",
    })
    await upload(page, f"{f}documents-certificate", "certificate", owner)
    await next_step(page, app_id, 4)
    await next_step(page, app_id, 5)  # no case studies
    await next_step(page, app_id, 6)  # no other certificates

    await fill_qualification(page, owner, plan)
    await next_step(page, app_id, 7)


async def fill_qualification(page: Page, owner: str, plan: Plan) -> None:
    """Step 7, the cascading pickers in order (each narrows the next), and its three documents."""
    q = qualification_of(plan)
    f = "f-qualification-"
    await fill(page, {f + k: str(q[k]) for k in (
        "lsp_code", "klasifikasi_code", "subklasifikasi_code", "jabatan_kerja_code", "kualifikasi", "jenjang",
        "asosiasi_code", "kta_number", "tuk_code")})
    for kind in ("application_letter", "apl01", "apl02"):
        await upload(page, f"{f}documents-{kind}", kind, owner)


async def submit(page: Page, app_id: str) -> None:
    """From the summary: every step complete, submitted (the confirm() answered)."""
    await expect(page.locator("#kelengkapan tr[data-complete=ya]")).to_have_count(7)
    await expect(page.locator("#siap-diajukan")).to_be_visible()
    accept_dialogs(page)
    await page.locator("#ajukan").click()
    await expect(page.locator("#application")).to_have_attribute("data-status", re.compile("submitted|forwarded"))


async def wait_status(page: Page, url: str, status: str, timeout: float = 60.0) -> None:
    """Reload the application's page until it shows ``status`` (the chain works in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await page.goto(url)
        shown = await page.locator("#application").get_attribute("data-status")
        if shown == status:
            return
        assert loop.time() < deadline, f"{url}: status {shown!r}, not {status!r} within {timeout}s"
        await asyncio.sleep(0.5)
