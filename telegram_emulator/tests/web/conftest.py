"""Chromium for the page tests: Debian's build, driven by Playwright, on a phone-sized screen."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from shared import testing
from telegram_emulator.testing import open_chat_page

PHONE = {"width": 390, "height": 740}


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """A headless Chromium (Playwright's `Browser`), closed after the test."""
    async with testing.chromium() as launched:
        yield launched


@pytest.fixture
def phone_page(browser: Any, live: str) -> Callable[..., Awaitable[Any]]:
    """`await phone_page(**context_options)`: the chat page open on a 390-px-wide screen."""

    async def open_page(**options: Any) -> Any:
        context = await browser.new_context(viewport=PHONE, **options)
        page = await context.new_page()
        await open_chat_page(page, live)
        return page

    return open_page
