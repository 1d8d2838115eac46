"""First middleware: per-user sliding windows; one localized warning per window; fail open."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot_gateway.i18n import tn
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.sessions.store import SessionStore
from bot_gateway.updates import is_command, language_of, tell
from shared.ratelimit import Decision, RateLimiter

log = logging.getLogger("bot.ratelimit")
DROPPED = Counter("bot_rate_limited_total", "Updates dropped by the bot's rate limiter", ["scope"])
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class RateLimitMiddleware(BaseMiddleware):
    """20/min and 100/h per user for every update, 5/min for commands; drops what is over."""

    def __init__(self, limiter: RateLimiter, redis: Redis, store: SessionStore | None, *,
                 per_minute: int, per_hour: int, commands_per_minute: int,
                 metrics: MetricsBuffer | None = None) -> None:
        self.limiter = limiter
        self.redis = redis
        self.store = store
        self.metrics = metrics
        self.windows = [("minute", per_minute, 60), ("hour", per_hour, 3600)]
        self.command_window = ("commands", commands_per_minute, 60)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Count the update; pass it on, or warn once and drop it."""
        user = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        windows = [*self.windows, self.command_window] if is_command(event) else self.windows
        decisions = await self.limiter.hit_all(
            [(f"{user.id}:{name}", limit, seconds) for name, limit, seconds in windows]
        )
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
        seconds = max(1, math.ceil(decision.retry_after))
        try:
            first = await self.redis.set(f"bot:rlwarn:{user_id}:{scope}", b"1", nx=True, ex=seconds)
        except RedisError:
            first = True
        if not first:
            if isinstance(event, CallbackQuery):
                await event.answer()
            return
        language = await language_of(getattr(event, "from_user", None), self.store)
        if scope == "commands":
            await tell(event, tn("ratelimit.commands", seconds, language))
        else:
            await tell(event, tn("ratelimit.messages", seconds, language))
