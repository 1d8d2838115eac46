"""The Dispatcher: Redis FSM with event isolation, the services as workflow data, routers, middlewares."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.fsm.storage.base import DefaultKeyBuilder
from redis.asyncio import Redis

from bot_gateway.config import Settings
from bot_gateway.context import Services
from bot_gateway.handlers import build_router
from bot_gateway.metrics.buffer import MetricsBuffer
from bot_gateway.middlewares import setup_middlewares
from bot_gateway.middlewares.auth import OnLogin
from bot_gateway.middlewares.inflight import InFlight
from bot_gateway.runtime.fsm import ResilientStorage


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
    settings: Settings, services: Services, *, metrics: MetricsBuffer | None, inflight: InFlight,
    on_login: OnLogin | None = None, limiter_redis: Redis | None = None,
) -> Dispatcher:
    """Everything an update goes through; `services` is the one workflow-data entry."""
    storage = build_storage(services.redis, settings)
    dp = Dispatcher(storage=storage, events_isolation=storage.create_isolation(), services=services)
    dp.include_router(build_router())
    setup_middlewares(dp, settings, services, inflight=inflight, metrics=metrics, on_login=on_login,
                      limiter_redis=limiter_redis)
    return dp
