"""The web UIs in a real browser: headless Chromium from Debian's packages (``chromium``),
driven by Playwright for Python (no browser download: the system executable is launched), against
the whole chain as processes with the real RabbitMQ, PostgreSQL and an SMTP sink.

The browser fails loudly when absent, never skips (``make test`` asks ``scripts/ensure_infra.sh
--with-browser`` to install it); ``SKK_CHROMIUM`` names another executable. Every page a test
opens is watched for Content-Security-Policy violations and uncaught script errors; a screenshot
of each main page lands in ``var/screenshots/<name>.png`` (``scripts/screenshots.py`` copies
three into docs/).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Response, async_playwright

from scripts.simulator.chains import RunningChain
from scripts.simulator.journeys import Chain, JourneyResult, Plan, run_journey
from scripts.simulator.people import Person, make_people
from tests.chain_support import chain_clients, started_chain

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}

NewContext = Callable[..., Awaitable[BrowserContext]]


def chromium_path() -> str | None:
    return os.environ.get("SKK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is not installed: the browser tests need Debian's chromium "
                    "(bash scripts/ensure_infra.sh --with-browser, as make test does, or apt-get install chromium)")
    return path


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def browser(chromium_executable: str) -> AsyncIterator[Browser]:
    """One headless Chromium for the session (each test opens its own contexts)."""
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture(scope="package")
def running_chain(amqp_url: str, postgres_admin_url: str) -> Iterator[RunningChain]:
    """The browser tests' own chain (the whole-chain tests check their logs for errors, and
    these tests are refused on purpose: CSRF, other people's URLs), stopped once they are done
    (package scope: never two chains' connection pools on the one PostgreSQL at once)."""
    base = os.environ.get("SKK_CHAIN_LOG_DIR")
    log_dir = Path(base) / "browser" if base else Path(tempfile.mkdtemp(prefix="skk-browser-logs-"))
    with started_chain(amqp_url, postgres_admin_url, log_dir) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def chain(running_chain: RunningChain) -> AsyncIterator[Chain]:
    """The simulator's API clients of the chain (for set-up the pages do not do)."""
    async with chain_clients(running_chain) as c:
        yield c


def new_person() -> Person:
    return make_people(1, seed=uuid.uuid4().int % 10**9, tag="b" + uuid.uuid4().hex[:6])[0]


@pytest_asyncio.fixture(scope="package", loop_scope="session")
async def recorded(running_chain: RunningChain) -> JourneyResult:
    """A certificate issued and recorded at LPJK, by a whole journey through the simulator."""
    async with chain_clients(running_chain) as chain:
        result = await run_journey(chain, new_person(), Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002"))
    assert result.ok, result.error
    return result


class PageProblems:
    """What the browser complained about on the pages: CSP violations, uncaught errors. (A file
    opened in a tab, an image or a PDF, is shown by Chromium's own viewer, whose inline style the
    file's CSP blocks: not a page's doing, so only HTML documents count.)"""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.types: dict[str, str] = {}  # the content type of each document navigated to, by URL

    def watch_context(self, ctx: BrowserContext) -> None:
        def on_response(response: Response) -> None:
            if response.request.is_navigation_request():
                self.types[response.url] = response.headers.get("content-type", "")

        ctx.on("response", on_response)  # on the context: a new tab's first document counts too
        ctx.on("page", self.watch)

    def watch(self, page: Page) -> None:
        def on_console(msg: ConsoleMessage) -> None:
            if msg.type != "error" or not self.types.get(page.url, "text/html").startswith("text/html"):
                return
            if "Content Security Policy" in msg.text or "Refused to" in msg.text:
                self.items.append(f"{page.url}: {msg.text}")

        def on_error(exc: Exception) -> None:
            self.items.append(f"{page.url}: uncaught {exc}")

        page.on("console", on_console)
        page.on("pageerror", on_error)


@pytest_asyncio.fixture(loop_scope="session")
async def new_context(browser: Browser) -> AsyncIterator[NewContext]:
    """Opens a fresh browser context (its own cookies: one person) whose pages are watched;
    all closed after the test, which fails if any page broke the CSP or threw."""
    contexts: list[BrowserContext] = []
    problems = PageProblems()

    async def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", VIEWPORT)
        ctx = await browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", accept_downloads=True, **options)
        ctx.set_default_timeout(20_000)
        problems.watch_context(ctx)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        await ctx.close()
    assert not problems.items, "the browser reported:\n" + "\n".join(problems.items)


@pytest_asyncio.fixture(loop_scope="session")
async def page(new_context: NewContext) -> Page:
    ctx = await new_context()
    return await ctx.new_page()


async def screenshot(page: Page, name: str) -> Path:
    """The whole page as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
