"""A request's photos: the console fetches them from Telegram with the bot's token on the server;
the page links to the console's own address, never to Telegram's."""

from __future__ import annotations

import httpx
from consoling import file_request, sign_in

from shared import testing
from telegram_emulator.testing import png, running_emulator

BOT_TOKEN = "100000777:console-photos-token"


async def a_photo_the_bot_received(emulator: str) -> str:
    """A file id of a photo in the bot's chat (as a resident's photo would be)."""
    async with httpx.AsyncClient(base_url=emulator) as http:
        user = await http.post("/control/users", json={"id": 830_000_001, "first_name": "Aziza"})
        assert user.status_code == 201, user.text
        sent = await http.post(f"/bot{BOT_TOKEN}/sendPhoto", data={"chat_id": "830000001"},
                               files={"photo": ("p.png", png(8, 8), "image/png")})
        assert sent.status_code == 200, sent.text
        return str(sent.json()["result"]["photo"][-1]["file_id"])


async def test_a_photo_is_served_through_the_console(run_console, core, make_person, make_building):
    async with running_emulator() as emulator:
        file_id = await a_photo_the_bot_received(emulator)
        resident, manager = await make_person("resident"), await make_person("manager")
        number = await file_request(core, resident, await make_building(), media=[file_id])
        console = run_console(bot_token=BOT_TOKEN, telegram_api_url=emulator)
        async with console as app, testing.asgi_client(app) as browser:
            await sign_in(browser, core, manager)
            page = await browser.get(f"/requests/{number}")
            assert f'src="/requests/{number}/media/0"' in page.text and BOT_TOKEN not in page.text
            image = await browser.get(f"/requests/{number}/media/0")
            assert image.status_code == 200 and image.headers["content-type"] == "image/png"
            assert image.content.startswith(b"\x89PNG") and BOT_TOKEN.encode() not in image.content
            assert (await browser.get(f"/requests/{number}/media/1")).status_code == 404
        async with run_console(bot_token="") as app, testing.asgi_client(app) as browser:
            await sign_in(browser, core, manager)
            assert (await browser.get(f"/requests/{number}/media/0")).status_code == 404
