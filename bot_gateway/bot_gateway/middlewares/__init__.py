"""The middlewares, registered in one place in the order every update meets them."""

from __future__ import annotations

from aiogram import BaseMiddleware, Dispatcher

from bot_gateway.config import Settings
from bot_gateway.context import Services
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.middlewares.auth import AuthMiddleware, OnLogin
from bot_gateway.middlewares.callback_cache import CallbackCacheMiddleware
from bot_gateway.middlewares.inflight import InFlight
from bot_gateway.middlewares.last_text import LastTextMiddleware
from bot_gateway.middlewares.logging import LoggingMiddleware
from bot_gateway.middlewares.ratelimit import CountWithLock, RateLimitMiddleware
from bot_gateway.middlewares.tracing import HandlerSpan, UpdateSpan
from shared.ratelimit import RateLimiter


def setup_middlewares(
    dp: Dispatcher, settings: Settings, services: Services, *, inflight: InFlight,
    metrics: MetricsBuffer | None, on_login: OnLogin | None = None,
) -> None:
    """The in-flight count and timer -> the rate-limit count handed to the lock -> the chat's lock
    (aiogram's FSM middleware, on a dispatcher made with `disable_fsm`) -> update span; then rate limit ->
    logging -> auth, on messages, edited messages and buttons alike (-> the last text a flow took
    for messages, the callback cache for buttons); a span around every handler."""
    limited = (dp.message, dp.edited_message, dp.callback_query)
    dp.update.outer_middleware(inflight)
    chain: list[BaseMiddleware] = [LoggingMiddleware(metrics), AuthMiddleware(on_login)]
    if settings.rate_limit_enabled:
        limits = RateLimitMiddleware(
            RateLimiter(services.redis, "bot", fail_open=True), services.redis, services.sessions.store,
            per_minute=settings.rate_limit_per_minute, per_hour=settings.rate_limit_per_hour,
            commands_per_minute=settings.rate_limit_commands_per_minute,
            callbacks_per_minute=settings.rate_limit_callbacks_per_minute,
            callbacks_per_hour=settings.rate_limit_callbacks_per_hour, metrics=metrics,
        )
        chain.insert(0, limits)
        dp.update.outer_middleware(CountWithLock(limits, frozenset(o.event_name for o in limited)))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(UpdateSpan())
    for name, observer in dp.observers.items():
        if name != "update":  # the dispatcher's own hand-over to the routers
            observer.middleware(HandlerSpan())
    for observer in limited:
        for middleware in chain:
            observer.outer_middleware(middleware)
    dp.message.outer_middleware(LastTextMiddleware())
    dp.callback_query.outer_middleware(CallbackCacheMiddleware())
