"""Mini Apps through the control API: initData signed as Telegram signs it (aiogram's
safe_parse_webapp_init_data accepts it, any change breaks it), opening a button the bot offers, and
sendData reaching the bot as a `web_app_data` message."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from aiogram.types import Update
from aiogram.utils.web_app import safe_parse_webapp_init_data

TOKEN = "123456:test-token"
APP = "http://127.0.0.1:8003/app"


def _chat(user: dict[str, Any], suffix: str) -> str:
    return f"/control/bots/{TOKEN}/chats/{user['id']}{suffix}"


async def _init_data(client, user: dict[str, Any], **params: Any) -> str:
    response = await client.get(_chat(user, "/webapp-init-data"), params=params)
    assert response.status_code == 200, response.text
    init_data: str = response.json()["init_data"]
    return init_data


async def test_init_data_is_signed_with_the_bots_token_for_the_user(client, user):
    before = int(time.time())
    parsed = safe_parse_webapp_init_data(TOKEN, await _init_data(client, user))
    assert parsed.user is not None
    assert (parsed.user.id, parsed.user.first_name, parsed.user.last_name) == (user["id"], "Анна", "Иванова")
    assert (parsed.user.username, parsed.user.language_code) == ("anna_i", "ru")
    assert parsed.query_id and parsed.chat_type == "private" and parsed.chat_instance
    assert before <= parsed.auth_date.timestamp() <= time.time()
    with pytest.raises(ValueError, match="Invalid init data signature"):
        safe_parse_webapp_init_data("123456:another-token", await _init_data(client, user))


async def test_the_chat_instance_is_the_one_of_the_chats_callback_queries(client, api, user):
    keyboard = {"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}
    sent = (await api("sendMessage", chat_id=user["id"], text="?", reply_markup=keyboard)).json()["result"]
    await client.post(_chat(user, "/callbacks"), json={"message_id": sent["message_id"], "data": "yes"})
    callback = next(u for u in (await api("getUpdates")).json()["result"] if "callback_query" in u)
    parsed = safe_parse_webapp_init_data(TOKEN, await _init_data(client, user))
    assert parsed.chat_instance == callback["callback_query"]["chat_instance"]


async def test_an_older_auth_date_can_be_asked_for(client, user):
    day_ago = int(time.time()) - 86_401
    parsed = safe_parse_webapp_init_data(TOKEN, await _init_data(client, user, auth_date=day_ago))
    assert int(parsed.auth_date.timestamp()) == day_ago


def _altered(init_data: str, field: str) -> str:
    pairs = parse_qsl(init_data, strict_parsing=True)
    changed = []
    for key, value in pairs:
        if key == field and key == "user":
            value = json.dumps({**json.loads(value), "id": 1}, separators=(",", ":"))
        elif key == field and key == "auth_date":
            value = str(int(value) + 1)
        elif key == field:
            value = value[:-1] + ("0" if value[-1] != "0" else "1")
        changed.append(f"{key}={quote(value, safe='')}")
    return "&".join(changed)


@pytest.mark.parametrize("field", ["query_id", "user", "chat_instance", "chat_type", "auth_date", "hash"])
async def test_altering_any_field_breaks_the_signature(client, user, field):
    init_data = await _init_data(client, user)
    safe_parse_webapp_init_data(TOKEN, init_data)
    with pytest.raises(ValueError, match="Invalid init data signature"):
        safe_parse_webapp_init_data(TOKEN, _altered(init_data, field))


async def test_a_web_app_unknown_user_or_bad_token_is_404(client):
    assert (await client.get(f"/control/bots/{TOKEN}/chats/1/webapp-init-data")).status_code == 404
    assert (await client.get("/control/bots/bad/chats/1/webapp-init-data")).status_code == 404


async def test_the_menu_button_opens_its_app_with_telegrams_launch_parameters(client, api, user):
    opened = await client.post(_chat(user, "/web-app"), json={"source": "menu"})
    assert opened.status_code == 404  # the menu button still lists commands
    menu = {"type": "web_app", "text": "Заявки", "web_app": {"url": APP + "?lang=ru"}}
    await api("setChatMenuButton", menu_button=menu)
    launch = (await client.post(_chat(user, "/web-app"), json={"source": "menu"})).json()
    assert (launch["source"], launch["button_text"], launch["platform"]) == ("menu", "Заявки", "weba")
    url = urlsplit(launch["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}?{url.query}" == APP + "?lang=ru"
    fragment = dict(parse_qsl(url.fragment))
    assert fragment["tgWebAppData"] == launch["init_data"]
    assert fragment["tgWebAppVersion"] == launch["version"]
    assert fragment["tgWebAppPlatform"] == "weba"
    assert json.loads(fragment["tgWebAppThemeParams"])["bg_color"] == "#ffffff"
    parsed = safe_parse_webapp_init_data(TOKEN, fragment["tgWebAppData"])
    assert parsed.query_id == launch["query_id"]
    # The fragment carries initData URL-encoded once more, as Telegram's clients do.
    assert unquote(url.fragment.split("&")[0].removeprefix("tgWebAppData=")) == launch["init_data"]


async def test_an_inline_button_opens_only_the_app_it_names(client, api, user):
    inline = {"inline_keyboard": [[{"text": "Форма", "web_app": {"url": APP}}]]}
    sent = (await api("sendMessage", chat_id=user["id"], text="x", reply_markup=inline)).json()["result"]
    body = {"source": "inline", "message_id": sent["message_id"], "url": APP, "theme": "dark"}
    launch = (await client.post(_chat(user, "/web-app"), json=body)).json()
    assert launch["query_id"] and launch["theme_params"]["bg_color"] == "#212121"
    assert safe_parse_webapp_init_data(TOKEN, launch["init_data"]).user is not None
    other = await client.post(_chat(user, "/web-app"), json={**body, "url": "http://evil.example/"})
    assert other.status_code == 404
    missing = await client.post(_chat(user, "/web-app"), json={**body, "message_id": 99})
    assert missing.status_code == 404
    unnamed = await client.post(_chat(user, "/web-app"), json={"source": "inline", "url": APP})
    assert unnamed.status_code == 422
    assert "message_id" in unnamed.json()["detail"][0]["msg"]


async def test_a_keyboard_buttons_app_sends_data_to_the_bot(client, api, user):
    keyboard = {"keyboard": [[{"text": "Новая заявка", "web_app": {"url": APP}}]]}
    await api("sendMessage", chat_id=user["id"], text="x", reply_markup=keyboard)
    launch = (await client.post(_chat(user, "/web-app"), json={"source": "keyboard", "url": APP})).json()
    assert launch["query_id"] is None  # such an app answers with sendData, as in Telegram
    assert "query_id" not in dict(parse_qsl(launch["init_data"]))
    sent = await client.post(_chat(user, "/web-app-data"),
                             json={"data": '{"category": "plumbing"}', "button_text": "Новая заявка"})
    assert sent.status_code == 201
    raw = (await api("getUpdates")).json()["result"][-1]
    message = Update.model_validate(raw).message
    assert message is not None and message.web_app_data is not None
    assert message.web_app_data.data == '{"category": "plumbing"}'
    assert message.web_app_data.button_text == "Новая заявка"


async def test_send_data_over_4096_bytes_is_refused(client, user):
    body = {"data": "я" * 2049, "button_text": "x"}
    assert (await client.post(_chat(user, "/web-app-data"), json=body)).status_code == 422
