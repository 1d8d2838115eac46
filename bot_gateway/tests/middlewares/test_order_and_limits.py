"""Rate limit -> logging -> auth, on messages, edited messages and button presses; limits; fail-open."""

from __future__ import annotations

import asyncio

from aiogram.types import Message
from bot_fakes import FakeCore, FakeTelegram
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from bot_gateway.dependencies import runtime_of
from bot_gateway.i18n import t, tn
from bot_gateway.middlewares.auth import AuthMiddleware
from bot_gateway.middlewares.callback_cache import CallbackCacheMiddleware
from bot_gateway.middlewares.last_text import LastTextMiddleware
from bot_gateway.middlewares.logging import LoggingMiddleware
from bot_gateway.middlewares.ratelimit import RateLimitMiddleware
from shared.ratelimit import RateLimiter


async def _settle(telegram: FakeTelegram, chat: int, at_least: int) -> list[str]:
    await telegram.wait_for(lambda: len(telegram.texts(chat)) >= at_least)
    await asyncio.sleep(0.3)  # anything still coming would arrive now
    return telegram.texts(chat)


async def test_middlewares_are_rate_limit_then_logging_then_auth(run_app):
    async with run_app() as (app, _client):
        dp = runtime_of(app).dp
        chain: list[type] = [RateLimitMiddleware, LoggingMiddleware, AuthMiddleware]
        assert [type(m) for m in dp.message.outer_middleware] == [*chain, LastTextMiddleware]
        assert [type(m) for m in dp.edited_message.outer_middleware] == chain
        on_buttons = [type(m) for m in dp.callback_query.outer_middleware]
        assert on_buttons == [*chain, CallbackCacheMiddleware]


async def test_twenty_first_message_in_a_minute_is_dropped_with_one_warning(run_app, telegram, core):
    async with run_app():
        for _ in range(25):
            await telegram.updates.put(telegram.message(601, "hello"))
        texts = await _settle(telegram, 601, 21)
    warning = [x for x in texts if x.startswith("Слишком много сообщений")]
    assert len(warning) == 1
    assert texts.count(t("unknown.message", "ru")) == 20


async def test_hourly_limit_applies_too(run_app, telegram):
    async with run_app(rate_limit_per_hour=3):
        for _ in range(5):
            await telegram.updates.put(telegram.message(602, "hello", language="uz"))
        texts = await _settle(telegram, 602, 4)
    assert texts.count(t("unknown.message", "uz")) == 3
    assert sum(x.startswith("Xabarlar juda koʻp") for x in texts) == 1


async def test_edited_messages_count_as_messages(run_app, telegram):
    async with run_app(rate_limit_per_hour=3):
        for _ in range(2):
            await telegram.updates.put(telegram.message(608, "hello"))
        await _settle(telegram, 608, 2)
        for _ in range(3):
            await telegram.updates.put(telegram.edited(608, "hello!"))
        texts = await _settle(telegram, 608, 4)
    assert texts.count(t("unknown.message", "ru")) == 2 and texts.count(t("edit.not_read", "ru")) == 1
    assert sum(x.startswith("Слишком много сообщений") for x in texts) == 1


async def test_each_message_is_counted_once_with_its_lock_or_on_its_own(run_app, telegram):
    async with run_app(rate_limit_per_hour=2) as (app, _client):
        redis = runtime_of(app).services.redis
        for sent in range(1, 4):
            if sent == 2:  # Redis restarted and lost the limiter's script: counted on its own instead
                await redis.script_flush()
            await telegram.updates.put(telegram.message(609, "hello"))
            texts = await _settle(telegram, 609, sent)
    assert texts.count(t("unknown.message", "ru")) == 2
    assert sum(x.startswith("Слишком много сообщений") for x in texts) == 1


async def test_commands_are_limited_to_five_a_minute(run_app, telegram):
    async with run_app():
        for _ in range(8):
            await telegram.updates.put(telegram.message(603, "/menu"))
        texts = await _settle(telegram, 603, 6)
    assert texts.count(t("menu.prompt", "ru")) == 5
    assert sum(x.startswith("Слишком много команд") for x in texts) == 1


async def test_button_presses_are_counted_apart_and_a_refusal_is_said_in_the_chat_once(run_app, telegram):
    async with run_app(rate_limit_per_minute=2, rate_limit_callbacks_per_minute=3):
        for _ in range(2):
            await telegram.updates.put(telegram.message(607, "hello"))
        await _settle(telegram, 607, 2)
        for _ in range(5):  # the messages' window is full; presses have their own
            await telegram.updates.put(telegram.callback(607, "gone:1"))
        texts = await _settle(telegram, 607, 3)
    answers = [a.get("text", "") for a in telegram.of("answerCallbackQuery")]
    assert answers.count(t("button.stale", "ru")) == 3  # three presses served
    warning = [x for x in texts if x.startswith("Слишком частые нажатия")]
    assert len(warning) == 1 and warning[0] in {tn("ratelimit.buttons", n, "ru") for n in range(1, 61)}
    assert sum(x.startswith("Слишком частые нажатия") for x in answers) == 2  # the button stops spinning


async def test_a_dropped_update_never_reaches_auth(run_app, telegram, core: FakeCore):
    async with run_app(rate_limit_per_minute=1):
        await telegram.updates.put(telegram.message(604, "hello"))
        await _settle(telegram, 604, 1)
        calls = core.count("/api/v1/auth/telegram")
        await telegram.updates.put(telegram.message(605, "x"))  # another user: still served
        await telegram.updates.put(telegram.message(604, "again"))
        await _settle(telegram, 605, 1)
    assert core.count("/api/v1/auth/telegram") == calls + 1  # only user 605 signed in


def _fail_open_count() -> float:
    return REGISTRY.get_sample_value("rate_limit_fail_open_total", {"limiter": "bot"}) or 0.0


async def test_limiter_fails_open_when_redis_is_down(telegram):
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    middleware = RateLimitMiddleware(RateLimiter(dead, "bot"), dead, None, per_minute=1, per_hour=1,
                                     commands_per_minute=1)
    message = Message.model_validate(telegram.message(606, "/start")["message"])
    seen = []

    async def handler(event, data):
        seen.append(event)
        return "handled"

    before = _fail_open_count()
    for _ in range(3):
        assert await middleware(handler, message, {"event_from_user": message.from_user}) == "handled"
    assert len(seen) == 3
    assert _fail_open_count() == before + 3  # one atomic check of every window per update
    await dead.aclose()
