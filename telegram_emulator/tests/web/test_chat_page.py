"""The chat page in a real headless Chromium: create a user, /start, click an inline button."""

from __future__ import annotations

import os
import shutil

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = "100000001:emulator-bot-token"  # the page's default bot


@pytest.fixture
def chromium_path() -> str:
    """Debian's chromium (or one on PATH); the test is skipped, with the reason, without one."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not found:
        pytest.skip(f"no chromium binary at {CHROMIUM} or on PATH (apt-get install chromium)")
    pytest.importorskip("playwright.async_api")
    return found


async def test_a_user_chats_with_the_bot_and_presses_an_inline_button(
    chromium_path, live, greeting, polling_bot
):
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=20_000)  # generous: CI machines can be slow
    async with polling_bot(live, TOKEN, greeting("Нажми", "pressed", "Принято", "Кнопка нажата")):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 390, "height": 740})
                await page.goto(live)
                await page.click("#new-user")
                await page.fill("#first-name", "<Тест>")
                await page.select_option("#language", "uz")
                await page.select_option("#role", "executor")
                await page.click("#create-user")
                await expect(page.locator("#text")).to_be_enabled()
                await expect(page.locator("#user-select option:checked")).to_contain_text("uz, executor")

                await page.fill("#text", "/start")
                await page.press("#text", "Enter")
                reply = page.locator(".msg.bot").first
                await expect(reply).to_contain_text("Привет, <Тест>!")
                await expect(reply.locator("b")).to_have_text("Привет")
                assert await page.locator(".msg.user").first.inner_text() != ""

                await reply.get_by_role("button", name="Нажми").click()
                await expect(page.locator("#toast")).to_have_text("Принято")
                await expect(reply).to_contain_text("Кнопка нажата")
                await expect(reply.locator(".inline-kb")).to_have_count(0)
                await expect(reply.locator(".meta")).to_contain_text("edited")
            finally:
                await browser.close()
        async with httpx.AsyncClient(base_url=live) as control:
            users = (await control.get("/control/users")).json()
            assert users[0]["first_name"] == "<Тест>"
            assert users[0]["role"] == "executor"
