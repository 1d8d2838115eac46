"""The bot's flows for every role: new request, lists, details, actions, assignment, statistics.

`feature_routers(redis, sessionmaker, settings)` is what the dispatcher includes between the
foundation's handlers and its fallback; it expects the auth middleware's `session` and `clients`.
"""

from __future__ import annotations

from aiogram import Router
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.config import Settings
from bot_gateway.flows import (
    actions,
    assign,
    completion,
    details,
    fallback,
    lists,
    menu,
    new_request,
    new_request_description,
    new_request_submit,
)
from bot_gateway.flows.context import FlowContextMiddleware, FlowDeps
from bot_gateway.keyboards.cache import KeyboardCache

__all__ = ["FlowDeps", "build_router", "feature_routers"]


def feature_routers(
    redis: Redis, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> tuple[Router, ...]:
    """The flows for `build_dispatcher(feature_routers=...)` (none when BOT_FEATURE_REQUESTS is off)."""
    if not settings.feature_requests:
        return ()
    cache = KeyboardCache(
        sessionmaker, tenant=settings.tenant_id, ttl_seconds=settings.keyboard_cache_ttl_seconds
    )
    return (build_router(FlowDeps(redis, cache)),)


def build_router(deps: FlowDeps) -> Router:
    """A fresh router tree of every flow (routers can be attached once, so one per dispatcher)."""
    root = Router(name="flows")
    root.callback_query.outer_middleware(fallback.CachedDataMiddleware(deps))
    context = FlowContextMiddleware(deps)
    root.message.middleware(context)
    root.callback_query.middleware(context)
    for module in (
        menu,
        new_request,
        new_request_description,
        new_request_submit,
        lists,
        details,
        actions,
        completion,
        assign,
        fallback,
    ):
        root.include_router(_fresh(module.router))
    return root


def _fresh(router: Router) -> Router:
    # Module routers are singletons; a router can have one parent, so tests building several
    # dispatchers get a copy with the same handlers.
    if router.parent_router is None:
        return router
    copy = Router(name=router.name)
    for name, observer in router.observers.items():
        for handler in observer.handlers:
            copy.observers[name].handlers.append(handler)
    return copy
