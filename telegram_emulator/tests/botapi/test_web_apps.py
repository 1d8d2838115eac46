"""Mini App buttons in the Bot API: the menu button (the bot's default and per chat), `web_app` inline
and reply keyboard buttons kept as sent, answerWebAppQuery; and aiogram parses them all."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

TOKEN = "123456:test-token"
APP = "https://app.example/mini"
MENU = {"type": "web_app", "text": "Open app", "web_app": {"url": APP}}


async def _menu(api, **params: Any) -> dict[str, Any]:
    answer = (await api("getChatMenuButton", **params)).json()
    assert answer["ok"], answer
    result: dict[str, Any] = answer["result"]
    return result


async def _transcript(client, user: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(f"/control/bots/{TOKEN}/chats/{user['id']}/transcript")
    transcript: dict[str, Any] = response.json()
    return transcript


async def test_the_default_menu_button_opens_a_mini_app_in_every_chat(api, client, user):
    assert (await api("setChatMenuButton", menu_button=MENU)).json()["result"] is True
    assert await _menu(api) == MENU
    assert await _menu(api, chat_id=user["id"]) == MENU
    assert (await _transcript(client, user))["menu_button"] == MENU


async def test_a_chats_own_menu_button_wins_until_it_is_reset(api, client, user):
    await api("setChatMenuButton", menu_button={"type": "commands"})
    own = {**MENU, "text": "Заявки", "web_app": {"url": "http://127.0.0.1:8003/app"}}
    await api("setChatMenuButton", chat_id=user["id"], menu_button=own)
    assert await _menu(api, chat_id=user["id"]) == own
    assert await _menu(api) == {"type": "commands"}
    assert (await _transcript(client, user))["menu_button"] == own
    await api("setChatMenuButton", chat_id=user["id"], menu_button={"type": "default"})
    assert await _menu(api, chat_id=user["id"]) == {"type": "commands"}


@pytest.mark.parametrize(
    ("button", "reason"),
    [
        ({"type": "web_app", "web_app": {"url": APP}}, "BUTTON_TEXT_INVALID"),
        ({"type": "web_app", "text": "App", "web_app": {"url": "ftp://app.example"}}, "BUTTON_URL_INVALID"),
        ({"type": "web_app", "text": "App"}, "BUTTON_URL_INVALID"),
        ({"type": "menu"}, "can't parse menu button JSON object"),
    ],
)
async def test_a_bad_menu_button_is_refused(api, button, reason):
    response = await api("setChatMenuButton", menu_button=button)
    assert response.status_code == 400
    assert response.json()["description"] == f"Bad Request: {reason}"


async def test_a_menu_button_for_an_unknown_chat_is_refused(api):
    response = await api("setChatMenuButton", chat_id=1, menu_button=MENU)
    assert response.json()["description"] == "Bad Request: chat not found"


async def test_web_app_buttons_are_kept_as_sent(api, client, user):
    inline = {"inline_keyboard": [[{"text": "Открыть", "web_app": {"url": APP}}]]}
    sent = (await api("sendMessage", chat_id=user["id"], text="Форма", reply_markup=inline)).json()
    assert sent["result"]["reply_markup"] == inline
    keyboard = {"keyboard": [[{"text": "Заявка", "web_app": {"url": APP}}]], "resize_keyboard": True}
    await api("sendMessage", chat_id=user["id"], text="Клавиатура", reply_markup=keyboard)
    assert (await _transcript(client, user))["reply_keyboard"] == keyboard


@pytest.mark.parametrize("markup", [
    {"inline_keyboard": [[{"text": "x", "web_app": {"url": "javascript:alert(1)"}}]]},
    {"keyboard": [[{"text": "x", "web_app": {}}]]},
])
async def test_a_web_app_button_without_an_http_url_is_refused(api, user, markup):
    response = await api("sendMessage", chat_id=user["id"], text="x", reply_markup=markup)
    assert response.json()["description"] == "Bad Request: BUTTON_URL_INVALID"


async def test_answer_web_app_query_sends_the_users_message_via_the_bot_once(api, client, user):
    await api("setChatMenuButton", menu_button=MENU)
    opened = (await client.post(f"/control/bots/{TOKEN}/chats/{user['id']}/web-app",
                                json={"source": "menu"})).json()
    result = {"type": "article", "id": "1", "title": "Заявка",
              "input_message_content": {"message_text": "<b>Заявка</b> №7 подана", "parse_mode": "HTML"}}
    answer = await api("answerWebAppQuery", web_app_query_id=opened["query_id"], result=result)
    assert answer.json() == {"ok": True, "result": {}}
    last = (await _transcript(client, user))["messages"][-1]
    assert last["sender"] == "user"
    assert last["message"]["text"] == "Заявка №7 подана"
    assert last["message"]["entities"] == [{"type": "bold", "offset": 0, "length": 6}]
    assert last["message"]["via_bot"]["id"] == 123456
    updates = (await api("getUpdates")).json()["result"]
    assert updates[-1]["message"]["via_bot"]["username"] == "uk_emulator_123456_bot"
    again = await api("answerWebAppQuery", web_app_query_id=opened["query_id"], result=result)
    assert again.json()["description"] == "Bad Request: QUERY_ID_INVALID"


async def test_aiogram_sets_and_reads_mini_app_buttons_and_answers_the_query(live):
    import httpx

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(live)))
    try:
        async with httpx.AsyncClient(base_url=live) as control:
            user = (await control.post("/control/users", json={"first_name": "Dilnoza"})).json()
            button = MenuButtonWebApp(text="Ilova", web_app=WebAppInfo(url=APP))
            assert await bot.set_chat_menu_button(chat_id=user["id"], menu_button=button)
            got = await bot.get_chat_menu_button(chat_id=user["id"])
            assert isinstance(got, MenuButtonWebApp)
            assert (got.text, got.web_app.url) == ("Ilova", APP)
            assert isinstance(await bot.get_chat_menu_button(), MenuButtonDefault)
            opened = (await control.post(f"/control/bots/{TOKEN}/chats/{user['id']}/web-app",
                                         json={"source": "menu"})).json()
        content = InputTextMessageContent(message_text="Tayyor")
        result = InlineQueryResultArticle(id="1", title="Tayyor", input_message_content=content)
        sent = await bot.answer_web_app_query(web_app_query_id=opened["query_id"], result=result)
        assert sent.inline_message_id is None
    finally:
        await bot.session.close()


async def test_only_the_newest_queries_can_be_answered(api, client, user, monkeypatch):
    from telegram_emulator.webapps import service

    monkeypatch.setattr(service, "MAX_QUERIES", 2)
    path = f"/control/bots/{TOKEN}/chats/{user['id']}/webapp-init-data"
    oldest, *newest = [(await client.get(path)).json()["query_id"] for _ in range(3)]
    result = {"type": "article", "id": "1", "title": "t", "input_message_content": {"message_text": "ok"}}
    answer = await api("answerWebAppQuery", web_app_query_id=oldest, result=result)
    assert answer.json()["description"] == "Bad Request: QUERY_ID_INVALID"
    for query_id in newest:
        assert (await api("answerWebAppQuery", web_app_query_id=query_id, result=result)).json()["ok"]
