"""What the Core Service's lifespan builds besides the shared resources, in one typed object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from core_service.buildings import geocoding, worker
from core_service.buildings.geocoding import Geocoder
from core_service.config import Settings
from core_service.events.models import OutboxEvent
from core_service.requests import acceptance
from core_service.shifts import alerts
from core_service.sla import breaches
from shared.app import ServiceResources
from shared.background import BackgroundLoop
from shared.db import create_engine
from shared.events import OutboxRelay


@dataclass
class Core:
    """The service's components; handlers reach them only through `core_service.dependencies`."""

    settings: Settings
    # A small autocommit pool of its own for request numbers, so it never waits on the main pool.
    numbering_engine: AsyncEngine
    # Publishes `core.*` events and appends them to `stream:core`.
    relay: OutboxRelay
    # A client of the Integration Service's geocoding, when a geocoder is configured there.
    geocoder: Geocoder | None = None
    # Fills in the coordinates the Integration Service could not give at once.
    geocoding: BackgroundLoop | None = None
    # Announces SLA due times that have passed (`core.request.sla_breached`).
    sla_breaches: BackgroundLoop | None = None
    # Reminds residents of completed work and accepts it for them (`requests/acceptance.py`).
    acceptance: BackgroundLoop | None = None
    # Flags late shifts and warns of tomorrow's coverage gaps (`shifts/alerts.py`).
    shift_alerts: BackgroundLoop | None = None
    # Whether the database has pg_trgm for building search; learnt at the first search.
    trigram_search: bool | None = None


@asynccontextmanager
async def components(settings: Settings, resources: ServiceResources) -> AsyncIterator[Core]:
    """Build and start the components (workers only when `run_workers`); stop them in reverse."""
    async with AsyncExitStack() as stack:
        numbering = create_engine(settings, pool_size=settings.numbering_pool_size, max_overflow=0)
        stack.push_async_callback(numbering.dispose)
        relay = OutboxRelay(resources.sessions, OutboxEvent, resources.redis, stream=settings.events_stream)
        core = Core(settings, numbering, relay, geocoder=await geocoding.connect(settings))
        if core.geocoder is not None:
            stack.push_async_callback(core.geocoder.aclose)
        if settings.run_workers:
            if core.geocoder is not None:
                core.geocoding = worker.geocoding_loop(resources.sessions, core.geocoder, settings)
                core.geocoding.start()
                stack.push_async_callback(core.geocoding.stop)
            core.sla_breaches = breaches.breach_loop(resources.sessions)
            core.sla_breaches.start()
            stack.push_async_callback(core.sla_breaches.stop)
            core.acceptance = acceptance.acceptance_loop(resources.sessions, settings.auto_accept_days,
                                                         settings.timezone)
            core.acceptance.start()
            stack.push_async_callback(core.acceptance.stop)
            core.shift_alerts = alerts.shift_alert_loop(resources.sessions, ZoneInfo(settings.timezone))
            core.shift_alerts.start()
            stack.push_async_callback(core.shift_alerts.stop)
            await relay.start()
            stack.push_async_callback(relay.stop)
        yield core
