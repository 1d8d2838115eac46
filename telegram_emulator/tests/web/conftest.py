"""Chromium for the page tests: Debian's build, driven by Playwright, on a phone-sized screen."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import async_playwright, expect

CHROMIUM = "/usr/bin/chromium"
# What Chromium needs on a machine with no display and a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 740}


@pytest.fixture
def chromium_path() -> str:
    """Debian's chromium (or one on PATH). Without one the tests are skipped, with the reason; when
    `REQUIRE_BROWSER` is set (`make test` sets it) they fail instead, so CI never passes them unrun."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not found:
        reason = f"no chromium binary at {CHROMIUM} or on PATH (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
async def browser(chromium_path: str) -> AsyncIterator[Any]:
    """A headless Chromium (Playwright's `Browser`), closed after the test."""
    expect.set_options(timeout=20_000)  # generous: CI machines can be slow
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def phone_page(browser: Any, live: str) -> Callable[..., Awaitable[Any]]:
    """`await phone_page(**context_options)`: the chat page open on a 390-px-wide screen."""

    async def open_page(**options: Any) -> Any:
        context = await browser.new_context(viewport=PHONE, **options)
        page = await context.new_page()
        await page.goto(live)
        return page

    return open_page
