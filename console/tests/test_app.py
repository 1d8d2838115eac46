"""The console as a service: health, a strict content security policy on every page, its static
files served by itself, its language chosen by the person."""

from __future__ import annotations

import re

from console.security import CSP


async def test_health_and_readiness(browser):
    assert (await browser.get("/health")).json()["status"] == "ok"
    ready = await browser.get("/health/ready")
    assert ready.status_code == 200, ready.text


async def test_every_page_carries_the_security_headers(browser):
    for path in ("/login", "/static/console.css", "/health"):
        answer = await browser.get(path)
        assert answer.headers["content-security-policy"] == CSP, path
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


async def test_htmx_and_the_scripts_are_served_locally(browser):
    page = await browser.get("/login")
    assets = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page.text)
    assert assets == ["/static/console.css", "/static/htmx.min.js", "/static/console.js"]
    htmx = await browser.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:200]


async def test_the_language_follows_accept_language_then_the_persons_choice(browser):
    russian = await browser.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Вход через Telegram" in russian.text and '<html lang="ru">' in russian.text
    uzbek = await browser.get("/login", headers={"Accept-Language": "uz,en;q=0.5"})
    assert "Telegram orqali kirish" in uzbek.text
    switched = await browser.get("/language/uz", params={"next": "/login"})
    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    assert "Telegram orqali kirish" in (await browser.get("/login", headers={"Accept-Language": "ru"})).text
    elsewhere = await browser.get("/language/ru", params={"next": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/"
