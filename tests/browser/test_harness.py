"""The harness itself: the pages' CSP holds in the real browser (inline script refused, which the
watcher of every test's pages notices), and the screenshots land where the README says."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Browser

from scripts.simulator.chains import RunningChain
from tests.browser.conftest import SCREENSHOTS, PageProblems, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.chain, pytest.mark.asyncio(loop_scope="session")]


async def test_inline_script_is_refused_and_noticed(browser: Browser, running_chain: RunningChain) -> None:
    ctx = await browser.new_context()
    problems = PageProblems()
    problems.watch_context(ctx)
    try:
        page = await ctx.new_page()
        await page.goto(running_chain.urls["portal"] + "/masuk")
        await page.evaluate("""() => {
            const s = document.createElement('script');
            s.textContent = 'document.body.dataset.injected = "yes"';
            document.body.appendChild(s);
        }""")
        for _ in range(50):
            if problems.items:
                break
            await asyncio.sleep(0.05)
        assert await page.evaluate("document.body.dataset.injected") is None  # it never ran
        assert any("Content Security Policy" in p for p in problems.items), problems.items
        path = await screenshot(page, "masuk")
        assert path == SCREENSHOTS / "masuk.png" and path.stat().st_size > 1000
    finally:
        await ctx.close()
