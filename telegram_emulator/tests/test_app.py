"""App-level behaviour: tokens stay out of access logs, metrics still label Bot API routes."""

from __future__ import annotations

import logging


async def test_access_logs_mask_the_bot_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="http"):
        response = await client.get("/bot123456:very-secret/getMe")
    assert response.json()["ok"] is True
    paths = [getattr(r, "path", "") for r in caplog.records if r.name == "http"]
    assert "/bot123456:***/getMe" in paths
    assert not any("very-secret" in p for p in paths)


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


async def test_the_page_script_never_uses_inner_html():
    from pathlib import Path

    import telegram_emulator.web as web

    script = (Path(web.__file__).parent / "static" / "app.js").read_text()
    assert "innerHTML" not in script.replace("never innerHTML", "")
