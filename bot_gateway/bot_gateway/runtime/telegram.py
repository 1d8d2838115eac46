"""The aiogram Bot: Bot API URL from settings, HTML by default, every call timed, 429 `retry_after`
honoured, a button answer Telegram no longer takes tolerated."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from prometheus_client import Counter, Histogram

from bot_gateway.config import Settings
from bot_gateway.metrics import LATENCY_BUCKETS

log = logging.getLogger("bot.telegram")
# Telegram's refusal of an answer to a press older than its window (or one answered already).
QUERY_TOO_OLD = "query is too old"
FLOOD_WAITS = Counter(
    "bot_telegram_retry_after_total", "429 answers from Telegram, by what the bot did", ["action"]
)

# A call's whole time, its flood waits and retries included: what an update waits for Telegram.
CALL_TIME = Histogram(
    "bot_telegram_request_seconds", "Bot API calls, by method: send to answer, retries included", ["method"],
    buckets=LATENCY_BUCKETS,
)


class TimeCalls(BaseRequestMiddleware):
    """Observes every Bot API call's time by method, failed ones too."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Send, timed."""
        started = time.perf_counter()
        try:
            return await make_request(bot, method)
        finally:
            CALL_TIME.labels(type(method).__name__).observe(time.perf_counter() - started)


class RetryAfter(BaseRequestMiddleware):
    """On a 429, wait what Telegram says and try again (a few times, bounded wait)."""

    def __init__(self, attempts: int = 3, max_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Send, sleeping `retry_after` between tries."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > self.max_wait:
                    FLOOD_WAITS.labels("raised").inc()  # to the caller (the paced sender waits and retries)
                    raise
                FLOOD_WAITS.labels("waited").inc()
                log.warning("telegram flood limit", extra={"method": type(method).__name__,
                                                           "retry_after": exc.retry_after})
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")


class ExpiredButtonAnswers(BaseRequestMiddleware):
    """An answer to a button press that Telegram refuses as too old comes back as False (not
    shown) instead of an exception: the press was handled, and whatever the handler does after
    answering must still happen. Every other error is raised as before."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Send; swallow only the "query is too old" refusal of `answerCallbackQuery`."""
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery) or QUERY_TOO_OLD not in exc.message:
                raise
            log.info("button answer refused as too old", extra={"error": exc.message})
            # The session's chain passes results, not Response objects, despite aiogram's hints.
            return cast(Response[TelegramType], False)


class KeepResponseTypes(BaseRequestMiddleware):
    """Holds `Response[T]` for every result type the bot has asked for.

    pydantic caches a parametrized generic model only while something references it, so once the
    garbage collector has run, aiogram's `Response[method.__returning__]` in every answer's check
    builds the model and its schema again (milliseconds of CPU per Bot API call).
    """

    def __init__(self) -> None:
        self.kept: dict[Any, Any] = {}

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        """Keep the method's response model alive, then send."""
        returning = method.__returning__
        if returning not in self.kept:
            self.kept[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def build_bot(settings: Settings, **session_kwargs: Any) -> Bot:
    """A Bot talking to `BOT_TELEGRAM_API_URL` (Telegram, the emulator, or any stand-in)."""
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url), timeout=settings.telegram_timeout_seconds,
        **session_kwargs,
    )
    session.middleware(TimeCalls())  # the outermost: a call's retries and waits are its time
    session.middleware(KeepResponseTypes())
    session.middleware(RetryAfter())
    session.middleware(ExpiredButtonAnswers())
    defaults = DefaultBotProperties(parse_mode=ParseMode.HTML)
    return Bot(settings.telegram_token, session=session, default=defaults)
