"""Signing in to the console from the bot: `/start login_<nonce>` names the waiting browser and
asks Yes or No; a manager's Yes lets the console claim their tokens, No refuses it; a resident is
told the console is for staff and the browser stops waiting; an answered or expired link says so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from harness import SERVICE_TOKEN, buttons, text_of
from sqlalchemy import update

from core_service.logins.models import ConsoleLogin
from shared.app import resources_of
from shared.db import session_scope


@pytest.fixture
async def console(core_app: Any) -> Any:
    """Core as the console calls it (the service token)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=core_app), base_url="http://core.test",
                                 headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as http:
        yield http


async def start_login(console: httpx.AsyncClient, browser: str = "Firefox, Linux") -> str:
    answer = await console.post("/api/v1/logins", json={"browser": browser})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["nonce"])


@pytest.mark.parametrize("language", ["ru", "uz"])
async def test_a_managers_yes_signs_the_browser_in(language, make_user, run_bot, console, emulator):
    manager = await make_user("manager", language)
    nonce = await start_login(console, "Firefox, <Linux>")
    async with run_bot():
        # The manager opens the link the console's page shows; Telegram sends `/start login_<nonce>`.
        bot = (await emulator.get("/control/bots")).json()[0]
        link = f"https://t.me/{bot['username']}?start=login_{nonce}"
        opened = await emulator.post(f"/control/users/{manager.user_id}/open-link", json={"url": link})
        assert opened.status_code in (200, 201), opened.text
        question = await manager.expect(manager.frag("console.login.ask"))
        assert "Firefox, <Linux>" in text_of(question)
        assert [b["text"] for b in buttons(question)] == [manager.t("console.login.yes"),
                                                          manager.t("console.login.no")]
        await manager.press_text(question, manager.t("console.login.yes"))
        await manager.expect(manager.frag("console.login.done"))
    claimed = await console.post(f"/api/v1/logins/{nonce}/claim")
    assert claimed.status_code == 200 and claimed.json()["user"]["telegram_id"] == manager.user_id
    async with run_bot():
        mark = await manager.mark()
        await manager.send(f"/start login_{nonce}")  # the same link again
        await manager.expect(manager.frag("console.login.answered"), after=mark)


async def test_no_refuses_the_browser(make_user, run_bot, console):
    admin = await make_user("admin")
    nonce = await start_login(console)
    async with run_bot():
        await admin.send(f"/start login_{nonce}")
        question = await admin.expect(admin.frag("console.login.ask"))
        await admin.press_text(question, admin.t("console.login.no"))
        await admin.expect(admin.frag("console.login.declined"))
    assert (await console.post(f"/api/v1/logins/{nonce}/claim")).status_code == 403


async def test_a_resident_is_told_the_console_is_for_staff(make_user, run_bot, console):
    resident = await make_user("resident", "uz")
    nonce = await start_login(console)
    async with run_bot():
        await resident.send(f"/start login_{nonce}")
        await resident.expect(resident.frag("console.login.staff_only"))
    assert (await console.get(f"/api/v1/logins/{nonce}")).json()["state"] == "declined"


async def test_expired_and_unknown_links_are_refused(make_user, run_bot, console, core_app):
    manager = await make_user("manager")
    nonce = await start_login(console)
    async for session in session_scope(resources_of(core_app).sessions):
        await session.execute(update(ConsoleLogin).values(expires_at=ConsoleLogin.created_at - timedelta(1)))
    async with run_bot():
        await manager.send(f"/start login_{nonce}")
        await manager.expect(manager.frag("console.login.expired"))
        await manager.send("/start login_nonsense")
        await manager.expect(manager.frag("console.login.invalid"))
