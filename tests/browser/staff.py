"""An LSP's staff in the browser, on the LSP's own pages: log in, the worklist, the application's
page with its documents, and the actions each role takes (each staff member in their own
browser context, as they sit at their own desks)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from playwright.async_api import BrowserContext, Page, expect

from shared.settings import DEV_PASSWORD


async def staff_login(ctx: BrowserContext, lsp_url: str, username: str, password: str = DEV_PASSWORD) -> Page:
    page = await ctx.new_page()
    await page.goto(lsp_url + "/")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(password)
    await page.locator("#masuk").click()
    await expect(page).to_have_url(re.compile(r"/kerja$"))
    return page


async def worklist_shows(page: Page, lsp_url: str, app_id: str, timeout: float = 60.0) -> None:
    """Reload the worklist until the application is on it (it arrives through SIKI)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await page.goto(lsp_url + "/kerja")
        if await page.locator(f"#app-{app_id}").count():
            return
        assert loop.time() < deadline, f"{app_id} not on the worklist within {timeout}s"
        await asyncio.sleep(0.5)


async def _status_of(page: Page, lsp_url: str, app_id: str) -> str | None:
    await page.goto(f"{lsp_url}/permohonan/{app_id}")
    return await page.locator("#status").get_attribute("data-status")


async def open_application(page: Page, lsp_url: str, app_id: str, status: str, timeout: float = 60.0) -> None:
    """The application's page once it shows ``status`` (reloaded while the chain catches up)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (shown := await _status_of(page, lsp_url, app_id)) != status:
        assert loop.time() < deadline, f"{app_id} at the LSP: {shown!r}, not {status!r} within {timeout}s"
        await asyncio.sleep(0.5)


async def act(page: Page, action: str, choices: dict[str, str] | None = None, texts: dict[str, str] | None = None,
              *, expect_status: str | re.Pattern[str] | None = None) -> None:
    """Fill an action's form (radio ``aksi-<action>-<name>-<value>``, fields ``f-<name>``) and send it."""
    form = page.locator(f"#aksi-{action}")
    await expect(form).to_be_visible()
    for name, value in (choices or {}).items():
        await page.locator(f"#{action}-{name}-{value}").check()
    for name, value in (texts or {}).items():
        field = form.locator(f"#f-{name}")
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await page.locator(f"#aksi-{action}-kirim").click()
    await expect(page.locator(f"#aksi-{action}-galat")).to_have_count(0)
    if expect_status:
        await expect(page.locator("#status")).to_have_attribute("data-status", expect_status)


async def schedule(page: Page, assessor: str, tuk: str, when: datetime) -> None:
    await act(page, "jadwal", texts={"assessor_username": assessor, "tuk_code": tuk,
                                     "tanggal": when.date().isoformat(), "jam": when.strftime("%H:%M")},
              expect_status="scheduled")
