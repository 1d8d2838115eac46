"""Fixtures: the emulator app in its lifespan behind httpx's ASGI transport, users, tiny images."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from shared.testing import serve
from telegram_emulator.app import create_app
from telegram_emulator.config import Settings
from telegram_emulator.testing import png

TOKEN = "123456:test-token"


@pytest.fixture
def settings() -> Settings:
    """Test settings: flood control off, quick webhook retries, text logs."""
    return Settings(
        log_json=False,
        flood_control=False,
        webhook_retry_seconds=0.1,
        webhook_retry_max_seconds=0.5,
        allowed_tokens=[],
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to a fresh emulator app."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            yield http


@pytest.fixture
async def user(client: httpx.AsyncClient) -> dict:
    """A Russian-speaking user made through the control API."""
    response = await client.post(
        "/control/users",
        json={"first_name": "Анна", "last_name": "Иванова", "username": "anna_i", "language_code": "ru"},
    )
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def api(client: httpx.AsyncClient):
    """`await api(method, **params)`: POST a Bot API method of bot TOKEN with a JSON body."""

    async def call(method: str, token: str = TOKEN, **params: object) -> httpx.Response:
        return await client.post(f"/bot{token}/{method}", json=params)

    return call


@pytest.fixture
def say(client: httpx.AsyncClient):
    """`await say(user_id, text)`: the user sends `text` to bot TOKEN; the stored message."""

    async def send(user_id: int, text: str, token: str = TOKEN) -> dict:
        response = await client.post(f"/control/bots/{token}/chats/{user_id}/messages", json={"text": text})
        assert response.status_code == 201, response.text
        return response.json()

    return send


@pytest.fixture
def make_png():
    """`make_png(w, h)`: the bytes of a valid PNG."""
    return png


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[str]:
    """A real emulator server (uvicorn on a free port); its base URL."""
    async with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
def serve_app():
    """`async with serve_app(app) as url`: run any ASGI app on a real local server."""
    return serve
