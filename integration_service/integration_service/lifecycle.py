"""What the lifespan builds for the service, in one typed object: built at start-up, closed at shut-down.

The API (`create_app`) builds everything; the worker alone (`create_worker_app`) builds no
receivers and no geocoder. It lives in the lifespan's `ServiceResources` as its `components`;
handlers reach it only through `integration_service.dependencies`.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.config import Settings
from integration_service.geocoding import lifecycle as geocoding
from integration_service.geocoding.service import Geocoder
from integration_service.logs.writer import CallLog
from integration_service.ratelimits.service import RateLimits
from integration_service.requests_log.service import RequestsLog
from integration_service.sheets import lifecycle as sheets
from integration_service.sheets.service import Sheets
from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.receiving import Receivers
from integration_service.webhooks.store import BATCH_LINGER_SECONDS, EventWriter, create_pool
from integration_service.webhooks.worker import WebhookWorker
from shared.app import Components, ServiceResources
from shared.app import resources_of as shared_resources_of
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


async def build(shared: ServiceResources, *, api: bool) -> Resources:
    """Build everything; nothing runs and no connection is opened until `start`."""
    settings, engine, sessionmaker, redis = _settings(shared), shared.engine, shared.sessions, shared.redis
    assert engine is not None, "the Integration Service is built with a database"
    call_log = CallLog(engine, batch_size=settings.call_log_batch_size,
                       flush_seconds=settings.call_log_flush_seconds, max_queue=settings.call_log_queue_size)
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
        if settings.run_requests_log:
            resources.consumer = StreamConsumer(
                redis, settings.requests_log_stream, settings.requests_log_group,
                f"{socket.gethostname()}-{os.getpid()}", resources.requests_log.handle)
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


async def start(resources: Resources) -> None:
    """Start the background work: the call-log writer, then the workers that are built."""
    resources.call_log.start()
    if resources.worker is not None:
        await resources.worker.start()
    if resources.consumer is not None:
        await resources.consumer.start()


async def close(resources: Resources) -> None:
    """Stop in the reverse order (what never started stops at once): receivers, workers, adapters,
    then the queued call records."""
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


def components(*, api: bool) -> Components:
    """The service's part of the lifespan: build at start-up, close at shut-down.

    `api=False` is the worker alone: no receivers, no geocoder, log lines saying `integration-worker`.
    """

    @asynccontextmanager
    async def built(shared: ServiceResources) -> AsyncIterator[Resources]:
        if not api:
            settings = _settings(shared)
            configure_logging(f"{settings.service_name}-worker", settings.log_level, settings.log_json)
        resources = await build(shared, api=api)
        try:
            await start(resources)
            yield resources
        finally:
            await close(resources)

    return built


def _settings(shared: ServiceResources) -> Settings:
    assert isinstance(shared.settings, Settings)
    return shared.settings


def resources_of(app: FastAPI) -> Resources:
    """The running app's resources (what its components factory built)."""
    resources = shared_resources_of(app).components
    assert isinstance(resources, Resources), "the Integration Service's lifespan is not running"
    return resources
