"""Signing in with Telegram: the page shows the bot's link and its QR code and waits; Yes in the
bot signs that browser in (once), No or five minutes end the wait; only staff get in."""

from __future__ import annotations

from datetime import timedelta

from consoling import NONCE, csrf_of, sign_in
from sqlalchemy import update

from core_service.logins.models import ConsoleLogin
from shared import testing
from shared.app import resources_of
from shared.db import session_scope

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
          "Safari/537.36")


async def test_the_page_shows_the_link_and_qr_and_the_bot_sees_the_browser(browser, core):
    page = await browser.get("/login", headers={"User-Agent": CHROME})
    nonce = NONCE.search(page.text).group(1)
    assert f'href="https://t.me/uk_test_bot?start=login_{nonce}"' in page.text
    assert '<svg viewBox' in page.text and 'hx-get="/login/wait"' in page.text
    assert page.headers["cache-control"] == "no-store"
    waiting = await core.get(f"/api/v1/logins/{nonce}")
    assert waiting.json()["browser"] == "Chrome, Windows" and waiting.json()["state"] == "pending"
    assert (await browser.get("/login/wait")).status_code == 204  # nobody answered yet: keep polling


async def test_yes_in_the_bot_signs_the_browser_in_with_a_safe_cookie(browser, core, make_person):
    manager = await make_person("manager", name="Dilnoza")
    assert (await browser.get("/board")).headers["location"] == "/login"
    await sign_in(browser, core, manager)
    [cookie] = [c for c in browser.cookies.jar if c.name == "console_session"]
    assert cookie.has_nonstandard_attr("HttpOnly") and not cookie.secure and cookie.expires is not None
    board = await browser.get("/board")
    assert board.status_code == 200 and "Dilnoza" in board.text


async def test_the_session_cookie_is_secure_over_https(run_console, core, make_person):
    async with run_console(public_url="https://console.example") as app, testing.asgi_client(app) as https:
        https.base_url = "https://test"
        manager = await make_person("admin")
        page = await https.get("/login")
        nonce = NONCE.search(page.text).group(1)
        assert "secure" in page.headers["set-cookie"].lower()
        await core.post(f"/api/v1/logins/{nonce}/confirm", headers=manager.headers)
        waited = await https.get("/login/wait")
    set_cookie = [v for k, v in waited.headers.multi_items() if k == "set-cookie" and "console_session=" in v]
    assert set_cookie and all(flag in set_cookie[0].lower() for flag in ("httponly", "secure", "samesite=lax",
                                                                          "max-age=28800"))


async def test_a_resident_cannot_confirm_and_no_ends_the_wait(browser, core, make_person):
    resident = await make_person("resident")
    page = await browser.get("/login")
    nonce = NONCE.search(page.text).group(1)
    assert (await core.post(f"/api/v1/logins/{nonce}/confirm", headers=resident.headers)).status_code == 403
    assert (await browser.get("/login/wait")).status_code == 204
    await core.post(f"/api/v1/logins/{nonce}/decline", headers=resident.headers)
    ended = await browser.get("/login/wait", headers={"Accept-Language": "ru"})
    assert "Вход отклонён в Telegram." in ended.text and 'href="/login"' in ended.text
    assert (await browser.get("/board")).status_code == 303


async def test_an_expired_link_ends_the_wait(browser, core_app):
    await browser.get("/login")
    async for session in session_scope(resources_of(core_app).sessions):
        await session.execute(update(ConsoleLogin).values(expires_at=ConsoleLogin.created_at - timedelta(1)))
    ended = await browser.get("/login/wait", headers={"Accept-Language": "uz"})
    assert "Kirish havolasining muddati tugadi." in ended.text


async def test_one_yes_signs_in_one_browser_once(console_app, core, make_person):
    manager = await make_person("manager")
    async with testing.asgi_client(console_app) as first, testing.asgi_client(console_app) as thief:
        page = await first.get("/login")
        nonce = NONCE.search(page.text).group(1)
        await core.post(f"/api/v1/logins/{nonce}/confirm", headers=manager.headers)
        # Someone who saw the QR code but has not this browser's cookie waits on nothing.
        assert "console_session" not in (await thief.get("/login/wait")).headers.get("set-cookie", "")
        assert (await first.get("/login/wait")).headers["HX-Redirect"] == "/"
        assert (await core.post(f"/api/v1/logins/{nonce}/claim")).status_code == 409


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(browser, signed_in, core):
    refused = await browser.post("/logout")
    assert refused.status_code == 403
    assert (await browser.get("/board")).status_code == 200
    page = await browser.get("/board")
    csrf = csrf_of(page.text)
    out = await browser.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert (await browser.get("/board")).headers["location"] == "/login"
    # Core's tokens of that person are dead too.
    me = await core.get("/api/v1/auth/me", headers=signed_in.headers)
    assert me.status_code == 401
