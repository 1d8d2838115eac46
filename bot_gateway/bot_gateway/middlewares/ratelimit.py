"""First middleware: per-user sliding windows, messages and button presses apart; one localized
warning in the chat per window; fail open."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot_gateway import prefetch
from bot_gateway.i18n import tn
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.sessions.store import SessionStore
from bot_gateway.updates import is_command, language_of, say_in_chat
from shared.ratelimit import Decision, RateLimiter

log = logging.getLogger("bot.ratelimit")
DROPPED = Counter("bot_rate_limited_total", "Updates dropped by the bot's rate limiter", ["scope"])
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class RateLimitMiddleware(BaseMiddleware):
    """Per user: messages 20/min and 100/h, commands also 5/min, button presses 60/min and 600/h
    (a person taps faster than they type); what is over is dropped with one warning per window."""

    def __init__(self, limiter: RateLimiter, redis: Redis, store: SessionStore | None, *,
                 per_minute: int, per_hour: int, commands_per_minute: int,
                 callbacks_per_minute: int = 60, callbacks_per_hour: int = 600,
                 metrics: MetricsBuffer | None = None) -> None:
        self.limiter = limiter
        self.redis = redis
        self.store = store
        self.metrics = metrics
        self.windows = [("minute", per_minute, 60), ("hour", per_hour, 3600)]
        self.command_window = ("commands", commands_per_minute, 60)
        self.button_windows = [
            ("buttons:minute", callbacks_per_minute, 60), ("buttons:hour", callbacks_per_hour, 3600)
        ]

    def _windows(self, event: TelegramObject) -> list[tuple[str, int, int]]:
        if isinstance(event, CallbackQuery):
            return self.button_windows
        return [*self.windows, self.command_window] if is_command(event) else self.windows

    def count(self, event: TelegramObject, user_id: int) -> prefetch.Count:
        """What `event` of `user_id` counts: each of its windows, keyed by the user."""
        return prefetch.Count(self.limiter, _keyed(self._windows(event), user_id))

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Count the update (or read how its lock counted it); pass it on, or warn once and drop it."""
        user = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        windows = self._windows(event)
        found, decisions = prefetch.take(prefetch.RATE_LIMIT)
        if not found or decisions is None:  # not counted with the lock: Redis or its script was not there
            decisions = await self.limiter.hit_all(_keyed(windows, user.id))
        refused = next(((w[0], d) for w, d in zip(windows, decisions, strict=True) if not d.allowed), None)
        if refused is None:
            return await handler(event, data)
        scope, decision = refused
        DROPPED.labels(scope).inc()
        if self.metrics is not None:
            self.metrics.record(event, "rate_limited", 0.0)
        await self._warn(event, user.id, scope, decision)
        return None

    async def _warn(self, event: TelegramObject, user_id: int, scope: str, decision: Decision) -> None:
        # The warning is a message in the chat, not only a popup: on a button a popup is easy to
        # miss and the button then seems dead. Once per window; later refusals only stop the spinner.
        seconds = max(1, math.ceil(decision.retry_after))
        try:
            first = await self.redis.set(f"bot:rlwarn:{user_id}:{scope}", b"1", nx=True, ex=seconds)
        except RedisError:
            first = True
        language = await language_of(getattr(event, "from_user", None), self.store)
        if scope == "commands":
            text = tn("ratelimit.commands", seconds, language)
        elif scope.startswith("buttons"):
            text = tn("ratelimit.buttons", seconds, language)
        else:
            text = tn("ratelimit.messages", seconds, language)
        if isinstance(event, CallbackQuery):
            await event.answer(text[:200])
        if first:
            await say_in_chat(event, text)


def _keyed(windows: list[tuple[str, int, int]], user_id: int) -> list[tuple[str, int, float]]:
    return [(f"{user_id}:{name}", limit, float(seconds)) for name, limit, seconds in windows]


class CountWithLock(BaseMiddleware):
    """Before the FSM middleware: has the chat's lock count the windows of an update of the types
    `limits` runs on, in its round trip, for `RateLimitMiddleware` to read (one Redis round trip fewer)."""

    def __init__(self, limits: RateLimitMiddleware, event_types: frozenset[str]) -> None:
        self.limits = limits
        self.event_types = event_types

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Name the update's count, then pass it on to be locked."""
        user = data.get("event_from_user")
        if user is None or not isinstance(event, Update) or event.event_type not in self.event_types:
            return await handler(event, data)
        with prefetch.counting(self.limits.count(event.event, user.id)):
            return await handler(event, data)
