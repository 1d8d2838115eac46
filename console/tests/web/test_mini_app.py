"""The Mini App in a real browser, opened as Telegram opens it: the emulator's chat page, its menu
button, the console's `/app/` in the panel with the emulator's telegram-web-app.js; a resident files
a request with two photos through Telegram's main button and Core has it; no policy refusal;
screenshots at 390x844."""

from __future__ import annotations

import httpx
from consoling import PHONE
from miniapping import approved_apartment, in_telegram
from playwright.async_api import expect

from console.app import create_app
from shared import testing
from telegram_emulator.testing import open_chat_page, png, running_emulator

# The chat page talks as the emulator's default bot.
PAGE_BOT = "100000001:emulator-bot-token"


async def test_a_resident_files_a_request_with_two_photos_from_the_chat_page(
    chromium, console_settings, core_app, core, make_person, make_building, screenshot
):
    resident, manager = await make_person("resident", name="Aziza"), await make_person("manager")
    await approved_apartment(core, resident, manager, await make_building("Ташкент, ул. Навои, 7"))
    refused: list[str] = []
    async with running_emulator() as emulator:
        settings = console_settings(bot_token=PAGE_BOT, telegram_api_url=emulator,
                                    telegram_web_app_js=f"{emulator}/js/telegram-web-app.js")
        app = create_app(settings, core_transport=httpx.ASGITransport(app=core_app))
        async with testing.serve(app) as console:
            await in_telegram(emulator, resident.telegram_id, "ru", "Aziza")
            menu = {"type": "web_app", "text": "Приложение", "web_app": {"url": f"{console}/app/"}}
            async with httpx.AsyncClient(base_url=emulator) as http:
                set_menu = await http.post(f"/bot{PAGE_BOT}/setChatMenuButton",
                                           json={"chat_id": resident.telegram_id, "menu_button": menu})
                assert set_menu.json()["ok"], set_menu.text

            context = await chromium.new_context(viewport=PHONE, locale="ru-RU")
            page = await context.new_page()
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            await open_chat_page(page, emulator)
            await page.select_option("#user-select", str(resident.telegram_id))
            await expect(page.locator("#web-app-menu")).to_have_text("Приложение")
            await page.click("#web-app-menu")
            frame = page.frame_locator("#web-app-frame")
            await expect(frame.locator("h1")).to_have_text("Мои заявки")
            await screenshot(page, "miniapp-requests-390")

            await frame.locator("#new-request").click()
            await expect(frame.locator("h1")).to_have_text("Новая заявка")
            await frame.locator('select[name="category"]').select_option("plumbing")
            await frame.locator('select[name="urgency"]').select_option("high")
            await frame.locator('textarea[name="description"]').fill("Течёт кран на кухне")
            await frame.locator('input[name="photo"]').set_input_files([
                {"name": "kitchen.png", "mimeType": "image/png", "buffer": png(64, 48)},
                {"name": "tap.png", "mimeType": "image/png", "buffer": png(48, 64)},
            ])
            await expect(page.locator("#web-app-main")).to_have_text("Отправить заявку")
            await expect(frame.locator(".app-submit")).to_be_hidden()
            await screenshot(page, "miniapp-new-request-390")
            await page.click("#web-app-main")

            await expect(frame.locator("#request h1")).to_contain_text("№")
            await expect(frame.locator(".app-photos img")).to_have_count(2)
            await expect(frame.locator(".app-photos img").nth(1)).to_have_js_property("complete", True)
            await screenshot(page, "miniapp-request-390")
            await page.click("#web-app-theme")  # Telegram's dark theme: the page follows its colours
            await expect(frame.locator("body")).to_have_css("background-color", "rgb(33, 33, 33)")
            await screenshot(page, "miniapp-request-dark-390")

    filed = (await core.get("/api/v1/requests", headers=resident.headers)).json()
    assert filed["total"] == 1
    item = filed["items"][0]
    assert item["description"] == "Течёт кран на кухне" and item["urgency"] == "high"
    assert len(item["media"]) == 2 and all(m["type"] == "photo" for m in item["media"])
    assert refused == []
