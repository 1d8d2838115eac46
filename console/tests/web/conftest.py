"""Chromium for the console's page tests: Debian's build, driven by Playwright, and the console on a
real local server (over the in-process Core)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from console.app import create_app
from shared import testing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture
def chromium_path() -> str:
    """Debian's chromium (or one on PATH); skipped without one unless `REQUIRE_BROWSER` is set
    (`make test` sets it), which fails instead."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not found:
        reason = f"no chromium binary at {CHROMIUM} or on PATH (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture
async def chromium(chromium_path: str) -> AsyncIterator[Any]:
    """A headless Chromium (Playwright's `Browser`), closed after the test."""
    expect.set_options(timeout=20_000)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def live_console(console_settings: Any, core_app: Any) -> AsyncIterator[str]:
    """The console's address on a real local server (its lifespan run by the server)."""
    app = create_app(console_settings(), core_transport=httpx.ASGITransport(app=core_app))
    async with testing.serve(app) as url:
        yield url


@pytest.fixture
def screenshot() -> Any:
    """`await screenshot(page, name)`: a full-page PNG under console/tests/screenshots/."""

    async def take(page: Any, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
