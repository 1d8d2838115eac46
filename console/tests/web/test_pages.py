"""The console in a real browser: signing in with the bot's Yes, the board narrowed by a filter, a
card moving in another dispatcher's board live, with no script or style the policy refuses;
screenshots at 390x844 and 1366x768."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from consoling import DESKTOP, PHONE, file_request
from playwright.async_api import expect


async def open_signed_in(chromium: Any, url: str, core: Any, person: Any, viewport: dict[str, int],
                         refused: list[str]) -> Any:
    """A page of a new browser context, signed in through the login page as `person`."""
    context = await chromium.new_context(viewport=viewport, locale="ru-RU")
    page = await context.new_page()
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    await page.goto(f"{url}/login")
    link = await page.get_attribute("#login-link", "href")
    nonce = re.search(r"start=login_([A-Za-z0-9_-]+)", link or "")
    assert nonce is not None, link
    await expect(page.locator(".qr-box svg")).to_be_visible()
    # The person answers Yes in the bot (the bot's call to Core); the waiting page signs in by itself.
    confirmed = await core.post(f"/api/v1/logins/{nonce.group(1)}/confirm", headers=person.headers)
    assert confirmed.status_code == 200
    await page.wait_for_url(f"{url}/board", timeout=15_000)
    return page


async def test_sign_in_filter_and_see_another_dispatchers_change_live(
    chromium, live_console, core, make_person, make_building, screenshot
):
    first, second = await make_building("Ташкент, ул. Навои, 1"), await make_building("Ташкент, Чиланзар, 5")
    resident = await make_person("resident")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    manager, colleague = await make_person("manager", name="Dilnoza"), await make_person("manager")
    leak = await file_request(core, resident, first, description='<script>alert("x")</script> Течёт кран')
    lift = await file_request(core, resident, second, category="elevator", description="Лифт стоит")
    refused: list[str] = []

    login = await (await chromium.new_context(viewport=PHONE, locale="ru-RU")).new_page()
    await login.goto(f"{live_console}/login")
    await expect(login.locator("h1")).to_have_text("Вход через Telegram")
    await screenshot(login, "login-390")

    board = await open_signed_in(chromium, live_console, core, manager, DESKTOP, refused)
    new_column = board.locator('.column[data-status="new"]')
    await expect(new_column.locator(".request-card")).to_have_count(2)
    await expect(board.locator(f"#card-{leak} .description")).to_contain_text('<script>alert("x")</script>')
    await screenshot(board, "board-1366")
    await board.select_option('select[name="category"]', "elevator")
    await expect(new_column.locator(".request-card")).to_have_count(1)
    await expect(board.locator(f"#card-{lift}")).to_be_visible()
    assert "category=elevator" in board.url
    await board.goto(f"{live_console}/board")

    other = await open_signed_in(chromium, live_console, core, colleague, PHONE, refused)
    await expect(other.locator(f'.column[data-status="new"] #card-{leak}')).to_be_visible()
    await screenshot(other, "board-390")

    # The first dispatcher assigns the plumber on the request's page; the other's board moves the card.
    await board.click(f"#card-{leak}")
    await expect(board.locator("#request h1")).to_contain_text(leak)
    await board.select_option('select[name="executor_id"]', str(plumber.id))
    await board.click('form[action$="/assign"] button[type="submit"]')
    await expect(other.locator(f'.column[data-status="in_progress"] #card-{leak}')).to_be_visible()
    await expect(other.locator(f"#card-{leak} .executor")).to_have_text("Bobur")
    answer = await core.get(f"/api/v1/requests/{leak}", headers=manager.headers)
    assert answer.json()["executor"]["id"] == plumber.id and answer.json()["status"] == "in_progress"
    await board.goto(f"{live_console}/requests/{leak}")
    await expect(board.locator(".countdown")).to_contain_text(re.compile(r"\d+:\d\d:\d\d"))
    await screenshot(board, "request-1366")
    await other.goto(f"{live_console}/requests/{leak}")
    await screenshot(other, "request-390")
    assert refused == []


async def test_a_board_catches_up_on_a_change_made_while_its_live_stream_was_connecting(
    chromium, live_console, core, make_person, make_building
):
    building = await make_building()
    resident, manager = await make_person("resident"), await make_person("manager")
    plumber = await make_person("executor", specializations=("plumbing",), name="Bobur")
    leak = await file_request(core, resident, building)
    board = await open_signed_in(chromium, live_console, core, manager, PHONE, [])
    connecting = asyncio.Event()

    async def hold(route: Any) -> None:
        await connecting.wait()
        await route.continue_()

    await board.context.route("**/events", hold)
    await board.reload()
    await expect(board.locator(f'.column[data-status="new"] #card-{leak}')).to_be_visible()
    assigned = await core.post(f"/api/v1/requests/{leak}/assign", json={"executor_id": plumber.id},
                               headers=manager.headers)
    assert assigned.status_code == 200, assigned.text
    await asyncio.sleep(2)  # the change's event is read and handed out while nobody listens
    connecting.set()
    await expect(board.locator(f'.column[data-status="in_progress"] #card-{leak}')).to_be_visible()
