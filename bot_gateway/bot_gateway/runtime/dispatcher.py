"""The Dispatcher: Redis FSM with event isolation, routers, middlewares in the contract's order."""

from __future__ import annotations

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import DefaultKeyBuilder
from redis.asyncio import Redis

from bot_gateway.clients import Clients
from bot_gateway.config import Settings
from bot_gateway.handlers import build_router
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.middlewares.auth import AuthMiddleware, OnLogin
from bot_gateway.middlewares.logging import LoggingMiddleware
from bot_gateway.middlewares.ratelimit import RateLimitMiddleware
from bot_gateway.runtime.fsm import ResilientStorage
from bot_gateway.runtime.inflight import InFlight
from bot_gateway.sessions.service import SessionService
from shared.ratelimit import RateLimiter


class SharedRedisStorage(ResilientStorage):
    """FSM storage on the app's Redis client, which the app (not aiogram) closes at the very end."""

    async def close(self) -> None:
        """Leave the shared client open for updates still finishing."""


def build_storage(redis: Redis, settings: Settings) -> SharedRedisStorage:
    """State and data with a TTL, keys that include the bot id."""
    return SharedRedisStorage(
        redis, key_builder=DefaultKeyBuilder(with_bot_id=True),
        state_ttl=settings.fsm_state_ttl_seconds, data_ttl=settings.fsm_data_ttl_seconds,
    )


def build_dispatcher(
    settings: Settings, *, redis: Redis, sessions: SessionService, clients: Clients,
    metrics: MetricsBuffer | None, inflight: InFlight, on_login: OnLogin | None = None,
    limiter_redis: Redis | None = None, feature_routers: tuple[Router, ...] = (),
) -> Dispatcher:
    """Everything an update goes through, in order: rate limit -> logging -> auth -> handler."""
    storage = build_storage(redis, settings)
    dp = Dispatcher(storage=storage, events_isolation=storage.create_isolation())
    dp.update.outer_middleware(inflight)
    dp.include_router(build_router(feature_routers))
    limiter = RateLimiter(limiter_redis or redis, "bot", fail_open=True)
    chain = [
        RateLimitMiddleware(limiter, limiter_redis or redis, sessions.store,
                            per_minute=settings.rate_limit_per_minute, per_hour=settings.rate_limit_per_hour,
                            commands_per_minute=settings.rate_limit_commands_per_minute, metrics=metrics)
        if settings.rate_limit_enabled else None,
        LoggingMiddleware(metrics),
        AuthMiddleware(sessions, clients, on_login),
    ]
    for observer in (dp.message, dp.callback_query):
        for middleware in chain:
            if middleware is not None:
                observer.outer_middleware(middleware)
    return dp
