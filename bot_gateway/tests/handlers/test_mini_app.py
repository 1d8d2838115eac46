"""The Mini App, when BOT_WEBAPP_URL is set: /start and /menu point the chat's menu button at it and
offer an "Open app" button; without the setting, neither."""

from __future__ import annotations

import httpx
import pytest
from harness import BOT_TOKEN, buttons, text_of

APP = "https://console.example/app/"


async def menu_button(emulator: httpx.AsyncClient, chat_id: int) -> dict[str, object]:
    found = await emulator.post(f"/bot{BOT_TOKEN}/getChatMenuButton", json={"chat_id": chat_id})
    assert found.status_code == 200, found.text
    result: dict[str, object] = found.json()["result"]
    return result


# A resident without an apartment is led to bind one by /start; /menu is their way to the menu.
@pytest.mark.parametrize(("role", "command"), [("applicant", "/menu"), ("executor", "/start"),
                                               ("manager", "/start")])
async def test_the_menu_offers_the_mini_app(role, command, make_user, run_bot, emulator):
    chat = await make_user(role, "uz")
    async with run_bot(webapp_url=APP):
        await chat.send(command)
        offer = await chat.expect(chat.t("mini_app.offer"))
    assert buttons(offer) == [{"text": chat.t("button.open_app"), "web_app": {"url": APP}}]
    button = await menu_button(emulator, chat.user_id)
    assert button == {"type": "web_app", "text": chat.t("button.open_app"), "web_app": {"url": APP}}


async def test_without_a_mini_app_nothing_is_offered(make_user, run_bot, emulator):
    chat = await make_user("executor")
    async with run_bot():
        await chat.send("/menu")
        await chat.expect(chat.t("menu.prompt"))
        mark = await chat.mark()
        await chat.send("/start")
        await chat.expect(chat.frag("welcome.role"), after=mark)
    assert not any(chat.t("mini_app.offer") in text_of(m) for m in await chat.bot_messages())
    assert (await menu_button(emulator, chat.user_id))["type"] != "web_app"
