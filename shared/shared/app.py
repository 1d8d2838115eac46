"""The FastAPI app factory every service uses: lifespan-built engine, Redis, middleware, health."""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi_offline import FastAPIOffline
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.config import ServiceSettings
from shared.db import create_engine, create_read_sessionmaker, create_sessionmaker, session_scope
from shared.errors import error_responses, install_error_handlers
from shared.health import Check, database_check, health_router, redis_check
from shared.logging import configure_logging
from shared.metrics import metrics_router, multiprocess_metrics
from shared.middleware import HeaderLimits, RequestContextMiddleware
from shared.redis import create_redis
from shared.schemas import refuse_nul_parameters
from shared.tracing import default_service_name, instrument_app, instrument_engine, setup_tracing

Hook = Callable[[FastAPI], Awaitable[None]]
DOCS_ASSETS_URL = "/docs-assets"


@dataclass
class ServiceResources:
    """What the lifespan builds for a service, in one typed object read by dependency functions.

    `components` is what the service's own `components` factory yielded (its workers, clients,
    pools); the service's dependency functions narrow it to the service's type.
    """

    settings: ServiceSettings
    redis: Redis
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    ready_checks: dict[str, Check] = field(default_factory=dict)
    components: object = None
    read_sessionmaker: async_sessionmaker[AsyncSession] | None = None

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """The sessionmaker of a service built with a database."""
        if self.sessionmaker is None:
            raise RuntimeError("this service was built without a database")
        return self.sessionmaker


# The service's own part of the lifespan: built from the shared resources, closed before them.
Components = Callable[[ServiceResources], AbstractAsyncContextManager[object]]


_frozen = False


def freeze_startup_objects() -> None:
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
    components: Components | None = None,
    use_database: bool = True,
) -> FastAPI:
    """A service app: logging, DB engine and Redis built in the lifespan, health, metrics, docs,
    tracing when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

    The lifespan builds the `ServiceResources`, then enters `components(resources)` (the
    service's own start-up and shut-down, its result kept as `resources.components`); it unwinds
    in the reverse order.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        async with AsyncExitStack() as stack:
            resources = ServiceResources(settings, create_redis(settings))
            stack.push_async_callback(resources.redis.aclose)
            resources.ready_checks["redis"] = redis_check(resources.redis)
            if use_database:
                resources.engine = create_engine(settings)
                instrument_engine(resources.engine)
                stack.push_async_callback(resources.engine.dispose)
                resources.sessionmaker = create_sessionmaker(resources.engine)
                resources.read_sessionmaker = create_read_sessionmaker(resources.engine)
                resources.ready_checks["database"] = database_check(resources.engine)
            app.state.service_resources = resources
            if components is not None:
                resources.components = await stack.enter_async_context(components(resources))
            freeze_startup_objects()
            yield

    app = offline_docs_app(title=title, lifespan=lifespan, dependencies=[Depends(refuse_nul_parameters)],
                           responses=error_responses(431))
    app.add_middleware(HeaderLimits, max_headers=settings.max_headers, max_bytes=settings.max_header_bytes)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    install_error_handlers(app)
    setup_tracing(default_service_name(settings))
    instrument_app(app)
    app.include_router(health_router(settings.service_name, get_ready_checks))
    app.include_router(metrics_router())
    for router in routers:
        app.include_router(router)
    return app


FACTORY_ENV, SETTINGS_ENV = "SHARED_APP_FACTORY", "SHARED_APP_SETTINGS"


def serve(settings: ServiceSettings, factory: str, **options: Any) -> None:
    """Run the app `factory` (`"package.app:create_app"`, called with settings) under uvicorn,
    `options` added to `server_options`: in this process, or with `settings.workers` > 1 in that
    many worker processes, each building its app from the same environment, their Prometheus
    metrics written to one directory and collected across them by `/metrics`."""
    import uvicorn

    if settings.workers <= 1:
        uvicorn.run(_imported(factory)(settings), **server_options(settings), **options)
        return
    with multiprocess_metrics():
        settings_class = type(settings)
        os.environ[FACTORY_ENV] = factory
        os.environ[SETTINGS_ENV] = f"{settings_class.__module__}:{settings_class.__qualname__}"
        uvicorn.run("shared.app:app_from_environment", factory=True, **server_options(settings), **options)


def app_from_environment() -> FastAPI:
    """A worker process's app: the factory and settings class `serve` named, settings from the
    environment as the parent read them."""
    from shared.config import load_settings

    settings_class = _imported(os.environ[SETTINGS_ENV])
    return cast(FastAPI, _imported(os.environ[FACTORY_ENV])(load_settings(settings_class)))


def _imported(path: str) -> Any:
    """The object `module:name` names."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def server_options(settings: ServiceSettings) -> dict[str, Any]:
    """What `uvicorn.run` takes besides the app: where to listen, how many worker processes, no
    access log of its own (the app logs every request), and the header limit applied while
    reading, before the app sees it."""
    return {
        "host": settings.host, "port": settings.port, "log_config": None, "access_log": False,
        "workers": settings.workers,
        # Request line and headers together; beyond it the h11 parser answers 431 itself.
        "h11_max_incomplete_event_size": settings.max_header_bytes + 8192,
    }


def offline_docs_app(**options: Any) -> FastAPI:
    """A FastAPI app (`options` as FastAPI takes them) whose `/docs` and `/redoc` load Swagger UI
    and ReDoc from the app itself, under `/docs-assets/`: they work offline, without a CDN."""
    return FastAPIOffline(static_url=DOCS_ASSETS_URL, **options)


def resources_of(app: FastAPI) -> ServiceResources:
    """The resources of the app's running lifespan (the one place they are read from the app)."""
    resources = getattr(app.state, "service_resources", None)
    if not isinstance(resources, ServiceResources):
        raise RuntimeError("the app's lifespan is not running")
    return resources


async def get_resources(request: Request) -> ServiceResources:
    """The running app's resources; 503 while the service is starting or stopping."""
    resources = getattr(request.app.state, "service_resources", None)
    if not isinstance(resources, ServiceResources):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the service is starting or stopping",
                            {"Retry-After": "1"})
    return resources


ResourcesDep = Annotated[ServiceResources, Depends(get_resources)]


async def get_ready_checks(resources: ResourcesDep) -> dict[str, Check]:
    """The readiness checks: the shared ones and those the service added."""
    return resources.ready_checks


async def get_settings(resources: ResourcesDep) -> ServiceSettings:
    """The service's settings."""
    return resources.settings


READS = frozenset({"GET", "HEAD"})


async def get_session(request: Request, resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """The request's one transaction: committed after the handler, rolled back if it raised. A read
    (GET, HEAD) runs outside a transaction where the database allows it (`create_read_sessionmaker`)."""
    maker = resources.read_sessionmaker if request.method in READS else None
    async for session in session_scope(maker or resources.sessions):
        yield session


async def get_redis(resources: ResourcesDep) -> Redis:
    """The app's Redis client."""
    return resources.redis


# "function" scope: the commit happens before the response is sent, so a 2xx means it is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
RedisDep = Annotated[Redis, Depends(get_redis)]
SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]

__all__ = [
    "Components",
    "RedisDep",
    "ResourcesDep",
    "ServiceResources",
    "SessionDep",
    "SettingsDep",
    "create_service_app",
    "get_redis",
    "get_resources",
    "get_session",
    "get_settings",
    "offline_docs_app",
    "resources_of",
    "serve",
    "server_options",
]
