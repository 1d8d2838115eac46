"""The control API client and the in-test server helper other suites can use."""

from __future__ import annotations

import httpx
import pytest

from telegram_emulator.client import EmulatorClient, EmulatorError
from telegram_emulator.testing import running_emulator

TOKEN = "31337:client-test"


async def test_the_client_drives_a_chat_against_a_running_emulator(make_png):
    async with running_emulator() as url, EmulatorClient(url, TOKEN) as emu:
        user = await emu.create_user("Шахзод", language_code="uz", role="applicant")
        said = await emu.say(user["id"], "/start")
        assert said["entities"][0]["type"] == "bot_command"
        async with httpx.AsyncClient(base_url=url) as http:
            keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
            await http.post(
                f"/bot{TOKEN}/sendMessage",
                json={"chat_id": user["id"], "text": "hi", "reply_markup": keyboard},
            )
            reply = await emu.wait_reply(user["id"])
            assert reply["message"]["text"] == "hi"
            await emu.press(user["id"], reply["message_id"], "ok")
            await emu.send_photo(user["id"], make_png(10, 10), caption="c")
            updates = (await http.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
        assert [next(k for k in u if k != "update_id") for u in updates] == [
            "message",
            "callback_query",
            "message",
        ]
        transcript = await emu.transcript(user["id"])
        assert len(transcript["messages"]) == 3
        with pytest.raises(EmulatorError) as caught:
            await emu.wait_reply(user["id"], seconds=0.1)
        assert caught.value.status == 408
        await emu.reset()
        with pytest.raises(EmulatorError):
            await emu.say(user["id"], "gone")


async def test_the_client_starts_bots_by_payload_or_link_and_sends_documents():
    async with running_emulator() as url, EmulatorClient(url, TOKEN) as emu:
        user = await emu.create_user("Анна")
        async with httpx.AsyncClient(base_url=url) as http:
            other = "42:other-bot"
            name = (await http.get(f"/bot{other}/getMe")).json()["result"]["username"]
            started = await emu.start(user["id"], "inv_1")
            opened = await emu.open_link(user["id"], f"https://t.me/{name}?start=inv_2")
            sent = await emu.send_document(user["id"], b"report", "report.xlsx", caption="май")
            ours = (await http.get(f"/bot{TOKEN}/getUpdates")).json()["result"]
            theirs = (await http.get(f"/bot{other}/getUpdates")).json()["result"]
        assert started["text"] == "/start inv_1"
        assert opened["bot"]["token"] == other and opened["message"]["text"] == "/start inv_2"
        assert [u["message"].get("text") for u in ours] == ["/start inv_1", None]
        assert [u["message"]["text"] for u in theirs] == ["/start inv_2"]
        assert sent["document"]["file_name"] == "report.xlsx"
        assert await emu.download(user["id"], sent["document"]["file_id"]) == b"report"
        with pytest.raises(EmulatorError) as caught:
            await emu.open_link(user["id"], "https://t.me/nobody_knows_bot?start=x")
        assert caught.value.status == 404


async def test_the_client_opens_a_mini_app_and_gets_signed_init_data():
    from aiogram.utils.web_app import safe_parse_webapp_init_data

    async with running_emulator() as url, EmulatorClient(url, TOKEN) as emu:
        user = await emu.create_user("Шахзод")
        parsed = safe_parse_webapp_init_data(TOKEN, await emu.web_app_init_data(user["id"]))
        assert parsed.user is not None and parsed.user.first_name == "Шахзод"
        stale = safe_parse_webapp_init_data(TOKEN, await emu.web_app_init_data(user["id"], auth_date=1))
        assert stale.auth_date.timestamp() == 1
        menu = {"type": "web_app", "text": "App", "web_app": {"url": "http://127.0.0.1:8003/app"}}
        async with httpx.AsyncClient(base_url=url) as http:
            await http.post(f"/bot{TOKEN}/setChatMenuButton", json={"menu_button": menu})
        launch = await emu.open_web_app(user["id"])
        assert launch["url"].startswith("http://127.0.0.1:8003/app#tgWebAppData=")
        with pytest.raises(EmulatorError) as caught:
            await emu.open_web_app(user["id"], "keyboard", url="http://127.0.0.1:8003/app")
        assert caught.value.status == 404
