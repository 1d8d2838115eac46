"""`POST /api/auth/webapp`: Telegram's initData signs its user in (a session for every role), and
forged, altered or day-old initData is refused with a reason."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

from miniapping import BOT_TOKEN, in_telegram, init_data

from shared import testing
from telegram_emulator.testing import running_emulator


async def test_each_role_signs_in_and_lands_on_its_page(run_console, make_person):
    async with running_emulator() as emulator, run_console(bot_token=BOT_TOKEN) as app:
        for role, home in (("resident", "/app/requests"), ("executor", "/app/tasks"),
                           ("manager", "/app/board")):
            person = await make_person(role, specializations=("plumbing",) if role == "executor" else ())
            await in_telegram(emulator, person.telegram_id, language_code="uz")
            async with testing.asgi_client(app) as browser:
                answer = await browser.post("/api/auth/webapp",
                                            json={"init_data": await init_data(emulator, person.telegram_id)})
                assert answer.status_code == 200, answer.text
                assert answer.json()["role"] == role and answer.json()["home"] == home
                assert answer.json()["user"]["id"] == person.id
                cookie = answer.headers["set-cookie"]
                assert "console_app=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
                page = await browser.get(home)
                assert page.status_code == 200 and '<html lang="uz">' in page.text


async def test_forged_altered_and_stale_init_data_are_refused(run_console, make_person):
    async with running_emulator() as emulator, run_console(bot_token=BOT_TOKEN) as app:
        person = await make_person("resident")
        await in_telegram(emulator, person.telegram_id)
        genuine = await init_data(emulator, person.telegram_id)
        fields = dict(parse_qsl(genuine))
        altered = urlencode({**fields, "user": fields["user"].replace(str(person.telegram_id), "820099999")})
        forged = urlencode({**fields, "hash": "0" * 64})
        stale = await init_data(emulator, person.telegram_id, auth_date=int(time.time()) - 2 * 24 * 3600)
        async with testing.asgi_client(app) as browser:
            for raw, reason in ((forged, "forged or altered"), (altered, "forged or altered"),
                                (stale, "older than a day"), ("user=%7B%7D", "forged or altered")):
                answer = await browser.post("/api/auth/webapp", json={"init_data": raw})
                assert answer.status_code == 401, answer.text
                assert reason in answer.json()["detail"]
                assert "set-cookie" not in answer.headers
            assert (await browser.get("/app/requests")).headers["location"] == "/app/"


async def test_another_bots_init_data_is_refused(run_console, make_person):
    async with running_emulator() as emulator, run_console(bot_token="100000999:another-bot") as app:
        person = await make_person("resident")
        await in_telegram(emulator, person.telegram_id)
        async with testing.asgi_client(app) as browser:
            answer = await browser.post("/api/auth/webapp",
                                        json={"init_data": await init_data(emulator, person.telegram_id)})
            assert answer.status_code == 401


async def test_over_https_the_cookie_may_be_sent_from_telegrams_frame(run_console, make_person):
    async with running_emulator() as emulator, run_console(bot_token=BOT_TOKEN,
                                                           public_url="https://console.example") as app:
        person = await make_person("resident")
        await in_telegram(emulator, person.telegram_id)
        async with testing.asgi_client(app) as browser:
            answer = await browser.post("/api/auth/webapp",
                                        json={"init_data": await init_data(emulator, person.telegram_id)})
            cookie = answer.headers["set-cookie"]
            assert "SameSite=none" in cookie and "Secure" in cookie and "Partitioned" in cookie


async def test_a_blocked_person_is_told_and_gets_no_session(run_console, core, make_person):
    async with running_emulator() as emulator, run_console(bot_token=BOT_TOKEN) as app:
        person, manager = await make_person("resident"), await make_person("manager")
        blocked = await core.patch(f"/api/v1/users/{person.id}/status", headers=manager.headers,
                                   json={"status": "blocked", "comment": "spam"})
        assert blocked.status_code == 200, blocked.text
        await in_telegram(emulator, person.telegram_id)
        async with testing.asgi_client(app) as browser:
            answer = await browser.post("/api/auth/webapp",
                                        json={"init_data": await init_data(emulator, person.telegram_id)})
            assert answer.status_code == 403 and answer.json()["detail"] == "user is blocked"
            assert "set-cookie" not in answer.headers
