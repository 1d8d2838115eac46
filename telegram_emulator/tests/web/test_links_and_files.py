"""The chat page in Chromium: links in bot messages (a t.me start link starts the bot it names, other
links open in a new tab), files both ways, and the reply keyboard's contact button."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest
from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from playwright.async_api import expect

from telegram_emulator.testing import png

TOKEN = "100000001:emulator-bot-token"  # the page's default bot
SECOND = "200000002:second-bot"


def deep_link_router(bot_name: str) -> Router:
    """A bot that answers `/start <payload>` with the payload aiogram parsed out of it."""
    router = Router()

    @router.message(CommandStart(deep_link=True))
    async def started(message: Message, command: CommandObject) -> None:
        await message.answer(f"{bot_name}: приглашение {command.args} принято")

    return router


async def _user(live: str, **fields: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live) as control:
        response = await control.post("/control/users", json={"first_name": "Анна", **fields})
        made: dict[str, Any] = response.json()
        return made


async def _bot_says(live: str, user: dict[str, Any], token: str = TOKEN, **params: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live) as bot:
        sent = (await bot.post(f"/bot{token}/sendMessage", json={"chat_id": user["id"], **params})).json()
        assert sent["ok"], sent
        result: dict[str, Any] = sent["result"]
        return result


async def _chat_page(phone_page: Any, user: dict[str, Any]) -> Any:
    page = await phone_page()
    await page.select_option("#user-select", str(user["id"]))
    await expect(page.locator("#text")).to_be_enabled()
    return page


@pytest.mark.parametrize("link", ["https://t.me/{name}?start=inv_42", "tg://resolve?domain={name}&start=inv_42"])
async def test_a_start_link_in_a_bot_message_starts_the_bot_with_its_payload(
    phone_page, live, polling_bot, link
):
    user = await _user(live)
    async with polling_bot(live, TOKEN, deep_link_router("Бот")) as bot:
        name = (await bot.me()).username
        text = f'<a href="{html.escape(link.format(name=name))}">Принять</a> приглашение'
        button = {"text": "Открыть", "url": f"https://t.me/{name}?start=button_7"}
        keyboard = {"inline_keyboard": [[button]]}
        await _bot_says(live, user, text=text, parse_mode="HTML", reply_markup=keyboard)
        page = await _chat_page(phone_page, user)
        await page.locator(".msg.bot a", has_text="Принять").click()
        await expect(page.locator(".msg.user .body")).to_have_text(["/start inv_42"])
        await expect(page.locator(".msg.bot").last).to_contain_text("Бот: приглашение inv_42 принято")
        await page.locator(".msg.bot .inline-kb a", has_text="Открыть").click()
        await expect(page.locator(".msg.user .body")).to_have_text(["/start inv_42", "/start button_7"])
        await expect(page.locator(".msg.bot").last).to_contain_text("Бот: приглашение button_7 принято")
        assert len(page.context.pages) == 1  # the chat stayed here, no tab opened


async def test_a_bare_link_to_another_bot_moves_the_page_to_that_bots_chat(phone_page, live, polling_bot):
    user = await _user(live)
    async with polling_bot(live, SECOND, deep_link_router("Второй")) as second:
        name = (await second.me()).username
        await _bot_says(live, user, text=f"Второй бот: t.me/{name}?start=from_first.")
        page = await _chat_page(phone_page, user)
        link = page.locator(".msg.bot a")
        await expect(link).to_have_text(f"t.me/{name}?start=from_first")  # the full stop is not the link's
        await link.click()
        await expect(page.locator("#bot-select")).to_have_value(SECOND)
        await expect(page.locator(".msg.user .body")).to_have_text(["/start from_first"])
        await expect(page.locator(".msg.bot")).to_contain_text(["Второй: приглашение from_first принято"])
    async with httpx.AsyncClient(base_url=live) as control:
        first_chat = (await control.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert [m["sender"] for m in first_chat["messages"]] == ["bot"]  # the first bot heard nothing


async def test_other_links_and_unknown_bots_open_in_a_new_tab(phone_page, live):
    user = await _user(live)
    await _bot_says(live, user, text="Сайт: https://example.com/help, бот: https://t.me/nobody_here_bot?start=x")
    page = await _chat_page(phone_page, user)
    links = page.locator(".msg.bot a")
    await expect(links).to_have_count(2)
    await expect(links.first).to_have_attribute("href", "https://example.com/help")
    await expect(links.first).to_have_attribute("target", "_blank")
    # No network here: Telegram's site is answered locally, so the new tab shows where it went.
    await page.context.route("https://t.me/**", lambda route: route.fulfill(body="Telegram"))
    async with page.context.expect_page() as opened:
        await links.last.click()
    tab = await opened.value
    await tab.wait_for_load_state()
    assert tab.url == "https://t.me/nobody_here_bot?start=x"
    async with httpx.AsyncClient(base_url=live) as control:
        chat = (await control.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")).json()
    assert [m["sender"] for m in chat["messages"]] == ["bot"]


async def test_files_go_as_documents_and_images_as_photos(phone_page, live):
    user = await _user(live)
    page = await _chat_page(phone_page, user)
    await page.fill("#text", "Акт")
    await page.set_input_files("#file-input", files=[{"name": "акт.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"%PDF-1.4 act"}])
    await expect(page.locator(".msg.user a")).to_have_text("📄 акт.pdf")
    await page.set_input_files("#file-input", files=[{"name": "leak.png", "mimeType": "image/png",
                                                       "buffer": png(40, 30)}])
    await expect(page.locator(".msg.user img")).to_be_visible()
    async with httpx.AsyncClient(base_url=live) as bot:
        updates = (await bot.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
        document = updates[0]["message"]["document"]
        assert (document["file_name"], document["mime_type"]) == ("акт.pdf", "application/pdf")
        assert updates[0]["message"]["caption"] == "Акт"
        assert "photo" in updates[1]["message"]
        file = (await bot.get(f"/bot{TOKEN}/getFile", params={"file_id": document["file_id"]})).json()
        assert (await bot.get(f"/file/bot{TOKEN}/{file['result']['file_path']}")).content == b"%PDF-1.4 act"


async def test_a_bots_xlsx_report_shows_as_a_download(phone_page, live):
    user = await _user(live)
    async with httpx.AsyncClient(base_url=live) as bot:
        sent = await bot.post(f"/bot{TOKEN}/sendDocument", data={"chat_id": str(user["id"])},
                              files={"document": ("report.xlsx", b"PK\x03\x04 report")})
        assert sent.json()["ok"], sent.text
    page = await _chat_page(phone_page, user)
    link = page.locator(".msg.bot a", has_text="report.xlsx")
    async with page.expect_download() as downloading:
        await link.click()
    download = await downloading.value
    assert download.suggested_filename == "report.xlsx"
    assert (await download.path()).read_bytes() == b"PK\x03\x04 report"


async def test_the_contact_button_shares_the_users_phone(phone_page, live):
    user = await _user(live, phone_number="+998901112233")
    button = {"text": "📱 Отправить номер", "request_contact": True}
    keyboard = {"keyboard": [[button]], "one_time_keyboard": True}
    await _bot_says(live, user, text="Ваш номер?", reply_markup=keyboard)
    page = await _chat_page(phone_page, user)
    await page.locator("#keyboard").get_by_role("button", name="📱 Отправить номер").click()
    await expect(page.locator(".msg.user .body")).to_have_text(["📞 +998901112233"])
    await expect(page.locator("#keyboard")).to_be_hidden()
    async with httpx.AsyncClient(base_url=live) as bot:
        update = (await bot.get(f"/bot{TOKEN}/getUpdates")).json()["result"][0]["message"]
    assert update["contact"] == {"phone_number": "+998901112233", "first_name": "Анна", "user_id": user["id"]}
