"""The Dispatcher: Redis FSM with event isolation, the services as workflow data, routers, middlewares."""

from __future__ import annotations

from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.fsm.state import State
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
    on_login: OnLogin | None = None,
) -> Dispatcher:
    """Everything an update goes through; `services` is the one workflow-data entry."""
    storage = build_storage(services.redis, settings)
    store = services.sessions.store
    # The sender's session is read with the update's lock (one round trip), for the auth middleware.
    isolation = storage.create_isolation(also_read=lambda key: [store.key(key.user_id)])
    # The FSM middleware (the lock) is registered with the others, after what it counts in its round trip.
    dp = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True, services=services)
    dp.include_router(build_router())
    inline_pure_filters(dp)
    setup_middlewares(dp, settings, services, inflight=inflight, metrics=metrics, on_login=on_login)
    return dp


def inline_pure_filters(router: Router) -> None:
    """Check magic filters (`F.text == ...`) and states on the event loop, in `router` and below.

    aiogram runs every filter that is not a coroutine in a thread (`asyncio.to_thread`): a thread
    hop for each of the dozens of checks an update meets before its handler, for what is a
    comparison with no I/O.
    """
    for observer in router.observers.values():
        for handler in (observer._handler, *observer.handlers):  # `_handler`: the observer's own filters
            for item in handler.filters or ():
                if not item.awaitable and (item.magic is not None or isinstance(item.callback, State)):
                    _inline(item)
    for sub in router.sub_routers:
        inline_pure_filters(sub)


def _inline(item: FilterObject) -> None:
    check = item.callback

    async def inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    item.callback = inline
    item.awaitable = True
