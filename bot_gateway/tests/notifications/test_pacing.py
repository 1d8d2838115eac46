"""The notifier's sender against the emulator with Telegram's flood control switched on."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from harness import BOT_TOKEN
from redis.asyncio import Redis

from bot_gateway.clients.base import make_http
from bot_gateway.clients.core import UserClient
from bot_gateway.notifications import Notifier, PacedSender
from shared.events import Envelope

# Telegram's limits scaled ten times: 1 message per 0.1 s per chat, 30 per 0.1 s per bot.
FLOOD = {
    "enabled": True,
    "chat_limit": 1,
    "chat_window_seconds": 0.1,
    "global_limit": 30,
    "global_window_seconds": 0.1,
}


def counting_bot(url: str, log: list[tuple[str, float]]) -> Bot:
    """A bot with no retry of its own, so every 429 reaches the sender (and is counted)."""
    bot = Bot(BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))

    @bot.session.middleware
    async def count(make_request: Any, bot: Bot, method: Any) -> Any:
        try:
            result = await make_request(bot, method)
        except TelegramRetryAfter:
            log.append(("429", time.monotonic()))
            raise
        log.append(("ok", time.monotonic()))
        return result

    return bot


async def residents(emulator: httpx.AsyncClient, count: int) -> list[int]:
    ids = []
    for n in range(count):
        answer = await emulator.post(
            "/control/users", json={"id": 820_000_001 + n, "first_name": f"R{n}", "language_code": "ru"}
        )
        assert answer.status_code == 201, answer.text
        ids.append(820_000_001 + n)
    return ids


def status_event(n: int, chat: int) -> Envelope:
    return Envelope.new(
        event_type="request.status_changed",
        source="core",
        tenant_id="default",
        data={
            "number": f"261201-{n:03d}",
            "status": "in_progress",
            "category": "plumbing",
            "applicant_telegram_id": chat,
            "applicant_language": "ru",
        },
    )


async def test_a_burst_of_200_events_meets_no_flood_limit(
    emulator: httpx.AsyncClient, emulator_url: str, flows_redis: str
) -> None:
    chats = await residents(emulator, 10)
    assert (await emulator.put("/control/flood", json=FLOOD)).status_code == 200
    log: list[tuple[str, float]] = []
    bot = counting_bot(emulator_url, log)
    http = make_http(
        "core", "http://core.test", "svc", transport=httpx.MockTransport(lambda r: httpx.Response(503))
    )
    redis = Redis.from_url(flows_redis)
    notifier = Notifier(bot, redis, UserClient(http), PacedSender(per_chat_interval=0.105, global_rate=280))
    started = time.monotonic()
    for n, chat in zip(range(200), itertools.cycle(chats), strict=False):
        await notifier.handle(status_event(n, chat))
    elapsed = time.monotonic() - started
    await http.aclose()
    await bot.session.close()
    await redis.aclose()
    assert [kind for kind, _ in log].count("429") == 0
    assert len(log) == 200 and elapsed >= 19 * 0.105
    for chat in chats:
        transcript = (await emulator.get(f"/control/bots/{BOT_TOKEN}/chats/{chat}/transcript")).json()
        assert len([m for m in transcript["messages"] if m["sender"] == "bot"]) == 20


async def test_without_pacing_the_same_flood_control_answers_429(
    emulator: httpx.AsyncClient, emulator_url: str
) -> None:
    [chat] = await residents(emulator, 1)
    assert (await emulator.put("/control/flood", json=FLOOD)).status_code == 200
    log: list[tuple[str, float]] = []
    bot = counting_bot(emulator_url, log)
    results = await asyncio.gather(
        *(bot.send_message(chat, f"m{n}") for n in range(5)), return_exceptions=True
    )
    await bot.session.close()
    assert any(isinstance(r, TelegramRetryAfter) for r in results)
