"""The chat page in a real headless Chromium on a phone-sized screen: chatting and buttons, photos,
the new-user form, message times."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import expect

from telegram_emulator.config import TIME_ZONE
from telegram_emulator.testing import png

TOKEN = "100000001:emulator-bot-token"  # the page's default bot


async def _user(live: str, **fields: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live) as control:
        response = await control.post("/control/users", json={"first_name": "Анна", **fields})
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        return made


async def _chat_with(page: Any, user: dict[str, Any]) -> None:
    await page.select_option("#user-select", str(user["id"]))
    await expect(page.locator("#text")).to_be_enabled()


async def test_a_user_chats_with_the_bot_and_presses_an_inline_button(
    phone_page, live, greeting, polling_bot
):
    async with polling_bot(live, TOKEN, greeting("Нажми", "pressed", "Принято", "Кнопка нажата")):
        page = await phone_page()
        await page.click("#new-user")
        await page.fill("#first-name", "<Тест>")
        await page.select_option("#language", "uz")
        await page.click("#create-user")
        await expect(page.locator("#text")).to_be_enabled()
        await expect(page.locator("#user-select option:checked")).to_contain_text("<Тест> (uz) #")

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
    async with httpx.AsyncClient(base_url=live) as control:
        users = (await control.get("/control/users")).json()
        assert users[0]["first_name"] == "<Тест>"
        assert users[0]["role"] is None


async def test_the_new_user_form_claims_no_role_and_points_to_the_demo_staff(phone_page):
    page = await phone_page()
    await page.click("#new-user")
    await expect(page.locator("#user-form")).to_contain_text("pick a demo person")
    await expect(page.locator("#role")).to_have_count(0)


async def test_a_photo_keeps_its_aspect_ratio_on_a_phone(phone_page, live, tmp_path: Path):
    user = await _user(live)
    async with httpx.AsyncClient(base_url=live) as bot:
        sent = await bot.post(f"/bot{TOKEN}/sendPhoto", data={"chat_id": user["id"]},
                              files={"photo": ("p.png", png(640, 480), "image/png")})
        assert sent.json()["ok"], sent.text
    page = await phone_page()
    await _chat_with(page, user)
    image = page.locator(".msg.bot img")
    await expect(image).to_be_visible()
    await page.wait_for_function("document.querySelector('.msg.bot img').complete")
    await page.screenshot(path=tmp_path / "photo.png")
    box = await image.bounding_box()
    assert box is not None and box["width"] < 390
    assert abs(box["width"] / box["height"] - 640 / 480) < 0.02, box


async def test_form_errors_say_in_words_what_is_wanted_and_phones_are_checked(
    phone_page, live, tmp_path: Path
):
    page = await phone_page()
    await page.click("#new-user")
    await page.fill("#first-name", "Ali")
    await page.fill("#username", "1ali")
    await page.fill("#phone", "+998 90 123")
    await page.click("#create-user")
    error = page.locator("#user-error")
    await expect(error).to_contain_text("Username: 5 to 32 characters: Latin letters, digits or _")
    await expect(error).to_contain_text("Phone: a phone number with its country code: +998 and 9 digits")
    await page.screenshot(path=tmp_path / "form-errors.png")
    assert "pattern" not in await error.inner_text()

    await page.fill("#username", "ali_valiyev")
    await page.fill("#phone", "+998 (90) 123-45-67")
    await page.click("#create-user")
    await expect(page.locator("#user-form")).to_be_hidden()
    async with httpx.AsyncClient(base_url=live) as control:
        users = (await control.get("/control/users")).json()
    assert users[0]["phone_number"] == "+998901234567"


async def test_message_times_are_in_the_bots_zone_whatever_the_browsers(
    phone_page, live, tmp_path: Path
):
    user = await _user(live)
    async with httpx.AsyncClient(base_url=live) as control:
        said = await control.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages",
                                  json={"text": "Салом"})
    page = await phone_page(timezone_id="America/New_York")
    await _chat_with(page, user)
    shown = datetime.fromtimestamp(said.json()["date"], ZoneInfo(TIME_ZONE)).strftime("%H:%M")
    await expect(page.locator(".msg.user .meta")).to_have_text(shown)
    await expect(page.locator("#zone")).to_contain_text(f"times: {TIME_ZONE}")
    await page.screenshot(path=tmp_path / "times.png")
