"""What the lifespan builds, in one typed object, and the start-up and shut-down hooks that build it.

The API (`create_app`) builds everything; the worker alone (`create_worker_app`) builds no
receivers and no geocoder. Handlers reach the object only through `integration_service.dependencies`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from dataclasses import dataclass

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.config import Settings
from integration_service.geocoding import lifecycle as geocoding
from integration_service.geocoding.service import Geocoder
from integration_service.logs.context import bind_tenant_everywhere
from integration_service.logs.writer import CallLog
from integration_service.ratelimits.service import RateLimits
from integration_service.requests_log.service import RequestsLog
from integration_service.sheets import lifecycle as sheets
from integration_service.sheets.service import Sheets
from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.receiving import Receivers
from integration_service.webhooks.store import BATCH_LINGER_SECONDS, EventWriter, create_pool
from integration_service.webhooks.worker import WebhookWorker
from shared.app import Hook
from shared.cache import Cache
from shared.crypto import SecretBox
from shared.events import StreamConsumer
from shared.logging import configure_logging
from shared.ratelimit import RateLimiter


@dataclass
class Resources:
    """Everything the service's handlers and background work use, built once per process."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    redis: Redis
    secret_box: SecretBox
    cache: Cache
    rate_limits: RateLimits
    call_log: CallLog
    sheets: Sheets | None
    requests_log: RequestsLog
    geocoder: Geocoder | None = None
    receivers: Receivers | None = None
    worker: WebhookWorker | None = None
    consumer: StreamConsumer | None = None


async def build(settings: Settings, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                redis: Redis, *, api: bool) -> Resources:
    """Build and start everything (no connection is opened that PostgreSQL or Redis must answer)."""
    call_log = CallLog(engine, batch_size=settings.call_log_batch_size,
                       flush_seconds=settings.call_log_flush_seconds, max_queue=settings.call_log_queue_size)
    call_log.start()
    rate_limits = RateLimits(redis, sessionmaker)
    adapter = await sheets.build(settings, redis, rate_limits, call_log)
    resources = Resources(
        settings=settings, engine=engine, sessionmaker=sessionmaker, redis=redis,
        secret_box=SecretBox(settings.encryption_key),
        cache=Cache(redis, settings.service_name, default_ttl=settings.cache_ttl_seconds),
        rate_limits=rate_limits, call_log=call_log, sheets=adapter,
        requests_log=RequestsLog(sessionmaker, adapter),
    )
    if settings.run_worker:
        resources.worker = WebhookWorker(engine, sessionmaker, redis)
        await resources.worker.start()
        if settings.run_requests_log:
            resources.consumer = StreamConsumer(
                redis, settings.requests_log_stream, settings.requests_log_group,
                f"{socket.gethostname()}-{os.getpid()}", resources.requests_log.handle)
            await resources.consumer.start()
    if api:
        resources.geocoder = geocoding.build(settings, redis, call_log)
        resources.receivers = await _receivers(resources)
    return resources


async def _receivers(resources: Resources) -> Receivers:
    settings = resources.settings
    pool = await create_pool(resources.engine, settings.db_connect_timeout_seconds)
    return Receivers(
        directory=ConfigDirectory(resources.sessionmaker, resources.secret_box),
        limiter=RateLimiter(resources.redis, "webhooks", fail_open=True, linger=BATCH_LINGER_SECONDS),
        writer=EventWriter(pool, settings.db_pool_timeout_seconds),
        # Receivers in this process wake its worker at once; a worker of its own polls.
        wake=resources.worker.wake if resources.worker is not None else None,
    )


async def close(resources: Resources) -> None:
    """Stop in the reverse order: receivers, workers, adapters, then the queued call records."""
    if resources.receivers is not None:
        await resources.receivers.writer.close()
    if resources.consumer is not None:
        await resources.consumer.stop()  # an entry being handled stays pending and is redelivered
    if resources.worker is not None:
        await resources.worker.stop()
    if resources.geocoder is not None:
        await resources.geocoder.aclose()
    if resources.sheets is not None:
        await asyncio.to_thread(resources.sheets.gateway.close)
    await resources.call_log.stop()


async def start_api(app: FastAPI) -> None:
    """Start-up hook of the API: receivers, adapters and, unless turned off, the workers."""
    await _start(app, api=True)


async def start_worker(app: FastAPI) -> None:
    """Start-up hook of the worker alone: its log lines say `integration-worker`."""
    settings: Settings = app.state.settings
    configure_logging(f"{settings.service_name}-worker", settings.log_level, settings.log_json)
    await _start(app, api=False)


async def _start(app: FastAPI, *, api: bool) -> None:
    # What `shared.app` built in the lifespan; everything else is built here, once.
    state = app.state
    app.state.resources = await build(state.settings, state.engine, state.sessionmaker, state.redis, api=api)
    bind_tenant_everywhere(app)


async def stop(app: FastAPI) -> None:
    """Shut-down hook: close what start-up built (nothing when start-up failed before building it)."""
    with contextlib.suppress(AttributeError):
        await close(resources_of(app))


def resources_of(app: FastAPI) -> Resources:
    """The app's resources; the one place they are read from the app (dependency functions use it)."""
    resources: Resources = app.state.resources
    return resources


API_STARTUP: list[Hook] = [start_api]
WORKER_STARTUP: list[Hook] = [start_worker]
SHUTDOWN: list[Hook] = [stop]
