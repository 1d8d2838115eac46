"""App-level behaviour: tokens stay out of access logs, metrics still label Bot API routes, long polls
end with the app."""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest

from telegram_emulator.app import create_app

TOKEN = "123456:test-token"


async def test_access_logs_mask_the_bot_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="http"):
        response = await client.get("/bot123456:very-secret/getMe")
    assert response.json()["ok"] is True
    paths = [getattr(r, "path", "") for r in caplog.records if r.name == "http"]
    assert "/bot123456:***/getMe" in paths
    assert not any("very-secret" in p for p in paths)


async def test_access_logs_and_metrics_mask_the_token_in_control_paths(client, caplog, user):
    with caplog.at_level(logging.INFO, logger="http"):
        sent = await client.post(f"/control/bots/{TOKEN}/chats/{user['id']}/messages", json={"text": "hi"})
        unknown = await client.get(f"/control/bots/{TOKEN}")
    assert sent.status_code == 201 and unknown.status_code == 404
    paths = [getattr(r, "path", "") for r in caplog.records if r.name == "http"]
    assert f"/control/bots/123456:***/chats/{user['id']}/messages" in paths
    assert "/control/bots/123456:***" in paths
    metrics = (await client.get("/metrics")).text
    assert re.search(r'route="[^"]*/bots/\{token\}/chats/\{user_id\}/messages"', metrics)
    assert not any("test-token" in p for p in paths) and "test-token" not in metrics


async def test_too_many_or_too_large_headers_are_refused_with_431(client):
    many = {f"x-h{i}": "1" for i in range(150)}
    large = {"x-large": "a" * 20_000}
    for headers in (many, large):
        response = await client.get(f"/bot{TOKEN}/getMe", headers=headers)
        assert response.status_code == 431, response.text
    assert (await client.get(f"/bot{TOKEN}/getMe", headers={"x-h": "1"})).status_code == 200


async def test_metrics_label_bot_api_calls_by_route_template(client):
    await client.get("/bot123456:very-secret/getMe")
    metrics = (await client.get("/metrics")).text
    assert 'route="/bot{token}/{name}"' in metrics
    assert "very-secret" not in metrics


async def test_the_chat_page_and_its_assets_are_served(client):
    page = await client.get("/")
    assert page.status_code == 200
    assert '<script src="/static/app.js">' in page.text
    assert (await client.get("/static/app.js")).headers["content-type"].startswith("text/javascript")
    assert (await client.get("/static/style.css")).status_code == 200
    assert (await client.get("/static/secret.py")).status_code == 404



@pytest.mark.parametrize("path", ["/telegram-web-app.js", "/js/telegram-web-app.js"])
async def test_the_mini_apps_script_is_served_to_pages_of_any_origin(client, path):
    script = await client.get(path)
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["access-control-allow-origin"] == "*"
    assert "window.Telegram" in script.text


@pytest.mark.parametrize("name", ["app.js", "telegram-web-app.js"])
async def test_the_page_scripts_never_use_inner_html(name):
    from pathlib import Path

    import telegram_emulator.web as web

    script = (Path(web.__file__).parent / "static" / name).read_text()
    assert "innerHTML" not in script.replace("never innerHTML", "")


async def test_long_polls_in_flight_answer_when_the_app_stops(settings):
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        async with app.router.lifespan_context(app):
            user = (await http.post("/control/users", json={"first_name": "Ali"})).json()
            chat = f"/control/bots/{TOKEN}/chats/{user['id']}"
            waits = [(f"/bot{TOKEN}/getUpdates", {"timeout": 50}), (f"{chat}/wait", {"timeout": 60}),
                     (f"{chat}/transcript", {"after_version": 9, "timeout": 60})]
            polls = [asyncio.create_task(http.get(path, params=params)) for path, params in waits]
            await asyncio.sleep(0.2)  # all three are waiting
            assert not any(poll.done() for poll in polls)
        updates, reply, transcript = await asyncio.wait_for(asyncio.gather(*polls), 5)
    assert updates.json() == {"ok": True, "result": []}
    assert reply.status_code == 503 and reply.headers["retry-after"] == "1"
    assert transcript.status_code == 200


async def test_api_docs_work_offline(client):
    page = await client.get("/docs")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    for url in assets:
        assert (await client.get(url)).status_code == 200, url
