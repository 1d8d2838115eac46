"""A Mini App opened from the chat page in Chromium: from an inline button, the menu button and a reply
keyboard button, with the emulator's telegram-web-app.js. The app (served by the test on its own
port) greets the user from initDataUnsafe, sets the main and back buttons, and posts its initData to
its server, which verifies it with aiogram's safe_parse_webapp_init_data."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiogram.utils.web_app import safe_parse_webapp_init_data
from playwright.async_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from telegram_emulator.testing import open_chat_page

TOKEN = "100000001:emulator-bot-token"  # the page's default bot
SCREEN = {"width": 390, "height": 844}
# Looked at by people, never committed (`.data/` is ignored).
SCREENSHOTS = Path(__file__).resolve().parents[3] / ".data" / "screenshots" / "telegram_emulator"

MINI_APP = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<script src="{emulator}/telegram-web-app.js"></script>
<style>body {{ background: var(--tg-theme-bg-color); color: var(--tg-theme-text-color);
  font: 16px system-ui, sans-serif; padding: 16px; }}</style></head>
<body><h1 id="hello"></h1><p>Тема: <span id="scheme"></span></p><p id="result"></p>
<button id="send" type="button">sendData</button>
<button id="alert" type="button">alert</button><button id="off" type="button">disable</button>
<button id="start" type="button">t.me</button>
<script>
const app = Telegram.WebApp;
app.ready();
document.getElementById("hello").textContent = "Привет, " + app.initDataUnsafe.user.first_name + "!";
const scheme = () => {{ document.getElementById("scheme").textContent = app.colorScheme; }};
scheme();
app.onEvent("themeChanged", scheme);
app.MainButton.setText("Проверить").show();
app.MainButton.onClick(async () => {{
  app.MainButton.showProgress();
  const response = await fetch("/verify", {{ method: "POST", body: app.initData }});
  document.getElementById("result").textContent = await response.text();
  app.MainButton.hideProgress();
}});
app.BackButton.show();
app.BackButton.onClick(() => app.showConfirm("Закрыть?", (ok) => {{ if (ok) app.close(); }}));
document.getElementById("send").onclick = () => app.sendData(JSON.stringify({{ category: "plumbing" }}));
document.getElementById("alert").onclick = () => app.showAlert("Готово", () => {{
  document.getElementById("result").textContent = "alert closed";
}});
document.getElementById("off").onclick = () => {{ app.MainButton.disable(); app.BackButton.hide(); }};
document.getElementById("start").onclick = () => app.openTelegramLink(
  "https://t.me/" + new URLSearchParams(location.search).get("bot") + "?start=from_app");
</script></body></html>"""


def mini_app(emulator: str, verified: list[dict[str, Any]]) -> Starlette:
    """The test's Mini App: the page, and `/verify` checking initData with the bot's token."""

    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(MINI_APP.format(emulator=html.escape(emulator)))

    async def verify(request: Request) -> PlainTextResponse:
        try:
            data = safe_parse_webapp_init_data(TOKEN, (await request.body()).decode())
        except ValueError as error:
            return PlainTextResponse(f"refused: {error}", status_code=401)
        assert data.user is not None
        verified.append({"user_id": data.user.id, "query_id": data.query_id})
        return PlainTextResponse(f"verified: {data.user.first_name} #{data.user.id}")

    return Starlette(routes=[Route("/app", page), Route("/verify", verify, methods=["POST"])])


@pytest.fixture
async def app_url(live: str, serve_app: Any, verified: list[dict[str, Any]]) -> AsyncIterator[str]:
    """The Mini App's URL (its own server and origin, as the console's)."""
    async with serve_app(mini_app(live, verified)) as url:
        yield f"{url}/app"


@pytest.fixture
def verified() -> list[dict[str, Any]]:
    """What the Mini App's server accepted."""
    return []


async def _setup(live: str, method: str, **params: Any) -> dict[str, Any]:
    """A user, and the bot calling `method` with `params` (chat_id filled in)."""
    async with httpx.AsyncClient(base_url=live) as http:
        user: dict[str, Any] = (await http.post("/control/users", json={"first_name": "Анна"})).json()
        if "chat_id" in params:
            params["chat_id"] = user["id"]
        answer = (await http.post(f"/bot{TOKEN}/{method}", json=params)).json()
        assert answer["ok"], answer
        return user


async def _chat_page(browser: Any, live: str, user: dict[str, Any]) -> Any:
    context = await browser.new_context(viewport=SCREEN)
    page = await context.new_page()
    await open_chat_page(page, live)
    await page.select_option("#user-select", str(user["id"]))
    await expect(page.locator("#text")).to_be_enabled()
    return page


async def _verify_in_app(page: Any, user: dict[str, Any], verified: list[dict[str, Any]]) -> Any:
    app = page.frame_locator("#web-app-frame")
    await expect(page.locator("#web-app")).to_be_visible()
    await expect(app.locator("#hello")).to_have_text("Привет, Анна!")
    await expect(page.locator("#web-app-main")).to_have_text("Проверить")
    await page.click("#web-app-main")
    await expect(app.locator("#result")).to_have_text(f"verified: Анна #{user['id']}")
    assert verified[-1]["user_id"] == user["id"] and verified[-1]["query_id"]
    return app


async def test_an_inline_web_app_button_opens_the_app_with_verified_init_data(
    browser, live, app_url, verified
):
    keyboard = {"inline_keyboard": [[{"text": "Открыть форму", "web_app": {"url": app_url}}]]}
    user = await _setup(live, "sendMessage", chat_id=0, text="Заявка в форме:", reply_markup=keyboard)
    page = await _chat_page(browser, live, user)
    await page.locator(".msg.bot .inline-kb button", has_text="Открыть форму").click()
    app = await _verify_in_app(page, user, verified)
    await expect(app.locator("#scheme")).to_have_text("light")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / "mini-app-inline-390x844.png")

    await page.click("#web-app-theme")
    await expect(app.locator("#scheme")).to_have_text("dark")
    background = await app.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(33, 33, 33)"  # --tg-theme-bg-color followed the theme
    await page.screenshot(path=SCREENSHOTS / "mini-app-dark-390x844.png")

    await page.click("#web-app-back")
    await expect(page.locator("#web-app-popup")).to_contain_text("Закрыть?")
    await page.screenshot(path=SCREENSHOTS / "mini-app-confirm-390x844.png")
    await page.locator("#web-app-popup-buttons button", has_text="OK").click()
    await expect(page.locator("#web-app")).to_be_hidden()


async def test_the_menu_button_opens_the_app_next_to_the_input(browser, live, app_url, verified):
    menu = {"type": "web_app", "text": "Заявки", "web_app": {"url": app_url}}
    user = await _setup(live, "setChatMenuButton", menu_button=menu)
    page = await _chat_page(browser, live, user)
    await expect(page.locator("#web-app-menu")).to_have_text("Заявки")
    await page.screenshot(path=SCREENSHOTS / "chat-menu-button-390x844.png")
    await page.click("#web-app-menu")
    await _verify_in_app(page, user, verified)
    await page.screenshot(path=SCREENSHOTS / "mini-app-menu-390x844.png")
    await page.click("#web-app-close")
    await expect(page.locator("#web-app")).to_be_hidden()


async def test_a_keyboard_buttons_app_sends_data_to_the_bot_and_closes(browser, live, app_url):
    button = {"text": "Новая заявка", "web_app": {"url": app_url}}
    keyboard = {"keyboard": [[button]], "resize_keyboard": True}
    user = await _setup(live, "sendMessage", chat_id=0, text="Нажмите кнопку", reply_markup=keyboard)
    page = await _chat_page(browser, live, user)
    await page.locator("#keyboard button", has_text="Новая заявка").click()
    app = page.frame_locator("#web-app-frame")
    await expect(app.locator("#hello")).to_have_text("Привет, Анна!")
    await app.locator("#send").click()
    await expect(page.locator("#web-app")).to_be_hidden()
    await expect(page.locator(".msg.user").last).to_contain_text("Data from the “Новая заявка” button")
    async with httpx.AsyncClient(base_url=live) as http:
        updates = (await http.post(f"/bot{TOKEN}/getUpdates")).json()["result"]
    assert updates[-1]["message"]["web_app_data"] == {"data": '{"category":"plumbing"}',
                                                      "button_text": "Новая заявка"}


async def test_the_apps_alert_disabled_buttons_and_a_t_me_link(browser, live, app_url):
    async with httpx.AsyncClient(base_url=live) as http:
        bot = (await http.post(f"/bot{TOKEN}/getMe")).json()["result"]
    menu = {"type": "web_app", "text": "App", "web_app": {"url": f"{app_url}?bot={bot['username']}"}}
    user = await _setup(live, "setChatMenuButton", menu_button=menu)
    page = await _chat_page(browser, live, user)
    await page.click("#web-app-menu")
    app = page.frame_locator("#web-app-frame")
    await app.locator("#alert").click()
    await expect(page.locator("#web-app-popup")).to_contain_text("Готово")
    await page.locator("#web-app-popup-buttons button", has_text="Close").click()
    await expect(app.locator("#result")).to_have_text("alert closed")
    await app.locator("#off").click()
    await expect(page.locator("#web-app-main")).to_be_disabled()
    await expect(page.locator("#web-app-back")).to_be_hidden()
    await app.locator("#start").click()
    await expect(page.locator("#web-app")).to_be_hidden()
    await expect(page.locator(".msg.user .body")).to_have_text(["/start from_app"])
