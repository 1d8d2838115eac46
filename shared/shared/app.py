"""The FastAPI app factory every service uses: lifespan-built engine, Redis, middleware, health."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp

from shared.config import ServiceSettings
from shared.db import create_engine, create_sessionmaker, session_scope
from shared.errors import install_error_handlers
from shared.health import database_check, health_router, redis_check
from shared.logging import configure_logging
from shared.metrics import metrics_router
from shared.middleware import RequestContextMiddleware
from shared.redis import create_redis

Hook = Callable[[FastAPI], Awaitable[None]]


_frozen = False


def _freeze_startup_objects() -> None:
    """Once per process: what is alive after start-up (modules, routes, pools) lives as long as
    the process, so it is moved out of the collector's reach and full collections stay short
    (the latency tail). Start-up's garbage is collected first, so none of it is kept for good."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    use_database: bool = True,
    inner_middleware: Sequence[Callable[[ASGIApp], ASGIApp]] = (),
) -> FastAPI:
    """A service app: logging, DB engine and Redis built in the lifespan, health and metrics.

    `inner_middleware` runs inside the request-context middleware (ids, access log, metrics),
    innermost last: a service's own short paths in front of the router.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        app.state.settings = settings
        app.state.redis = create_redis(settings)
        app.state.ready_checks = {"redis": redis_check(app.state.redis)}
        if use_database:
            app.state.engine = create_engine(settings)
            app.state.sessionmaker = create_sessionmaker(app.state.engine)
            app.state.ready_checks["database"] = database_check(app.state.engine)
        try:
            for hook in on_startup:
                await hook(app)
            _freeze_startup_objects()
            yield
        finally:
            for hook in reversed(on_shutdown):
                await hook(app)
            await app.state.redis.aclose()
            if use_database:
                await app.state.engine.dispose()

    app = FastAPI(title=title, lifespan=lifespan)
    app.state.settings = settings
    for middleware in reversed(inner_middleware):
        app.add_middleware(middleware)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    install_error_handlers(app)
    app.include_router(health_router(settings.service_name))
    app.include_router(metrics_router())
    for router in routers:
        app.include_router(router)
    return app


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's one transaction: committed after the handler, rolled back if it raised."""
    async for session in session_scope(request.app.state.sessionmaker):
        yield session


def get_redis(request: Request) -> Redis:
    """The app's Redis client."""
    redis: Redis = request.app.state.redis
    return redis


# "function" scope: the commit happens before the response is sent, so a 2xx means it is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
RedisDep = Annotated[Redis, Depends(get_redis)]

__all__ = [
    "RedisDep",
    "SessionDep",
    "create_service_app",
    "get_redis",
    "get_session",
]
