"""Fixtures: the emulator app in its lifespan behind httpx's ASGI transport, users, tiny images, and
aiogram bots polling a live emulator."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

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
async def user(client: httpx.AsyncClient) -> dict[str, Any]:
    """A Russian-speaking user made through the control API."""
    response = await client.post(
        "/control/users",
        json={"first_name": "Анна", "last_name": "Иванова", "username": "anna_i", "language_code": "ru"},
    )
    assert response.status_code == 201
    made: dict[str, Any] = response.json()
    return made


@pytest.fixture
def api(client: httpx.AsyncClient):
    """`await api(method, **params)`: POST a Bot API method of bot TOKEN with a JSON body."""

    async def call(method: str, token: str = TOKEN, **params: object) -> httpx.Response:
        return await client.post(f"/bot{token}/{method}", json=params)

    return call


@pytest.fixture
def say(client: httpx.AsyncClient):
    """`await say(user_id, text)`: the user sends `text` to bot TOKEN; the stored message."""

    async def send(user_id: int, text: str, token: str = TOKEN) -> dict[str, Any]:
        response = await client.post(f"/control/bots/{token}/chats/{user_id}/messages", json={"text": text})
        assert response.status_code == 201, response.text
        sent: dict[str, Any] = response.json()
        return sent

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


def greeting_router(button: str, data: str, toast: str, edited: str) -> Router:
    """`/start` -> a bold greeting by first name with one inline button; pressing it -> a toast and the
    greeting edited to `edited` (its keyboard gone)."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        buttons = [[InlineKeyboardButton(text=button, callback_data=data)]]
        keyboard = InlineKeyboardMarkup(inline_keyboard=buttons)
        name = html.escape(message.from_user.first_name if message.from_user else "")
        await message.answer(f"<b>Привет</b>, {name}!", parse_mode="HTML", reply_markup=keyboard)

    @router.callback_query(F.data == data)
    async def pressed(query: CallbackQuery) -> None:
        await query.answer(toast)
        assert isinstance(query.message, Message)
        await query.message.edit_text(edited)

    return router


@asynccontextmanager
async def polling(url: str, token: str, router: Router) -> AsyncIterator[Bot]:
    """An aiogram bot of `token` polling the emulator at `url` with `router`; stopped on exit."""
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        yield bot
    finally:
        await dp.stop_polling()
        await task


@pytest.fixture
def greeting() -> Callable[[str, str, str, str], Router]:
    """`greeting(button, data, toast, edited)`: a router with a greeting and one inline button."""
    return greeting_router


@pytest.fixture
def polling_bot() -> Callable[[str, str, Router], AbstractAsyncContextManager[Bot]]:
    """`async with polling_bot(url, token, router) as bot`: an aiogram bot polling the emulator."""
    return polling
