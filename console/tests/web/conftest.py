"""Chromium for the console's page tests: Debian's build, driven by Playwright, and the console on a
real local server (over the in-process Core)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.app import create_app
from shared import testing

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium (Playwright's `Browser`), closed after the test."""
    async with testing.chromium() as browser:
        yield browser


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
