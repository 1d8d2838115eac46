"""Start-up and shut-down hooks, in order: geocoding client, its retry loop, the outbox relay."""

from __future__ import annotations

from fastapi import FastAPI

from core_service.buildings import worker as geocode_worker
from core_service.buildings.geocoding import Geocoder
from core_service.config import Settings
from core_service.events import relay
from shared.app import Hook
from shared.db import create_engine
from shared.http import ServiceClient


async def start_geocoder(app: FastAPI) -> None:
    """A client of the Integration Service's geocoding, when it is configured."""
    settings: Settings = app.state.settings
    app.state.geocoder = None
    if settings.integration_url:
        client = ServiceClient(
            "integration", settings.integration_url, token=settings.integration_api_token,
            timeout=settings.geocode_timeout_seconds, attempts=1,
        )
        app.state.geocoder = Geocoder(client)


async def start_numbering(app: FastAPI) -> None:
    """A small autocommit pool of its own for request numbers, so it never waits on the main pool."""
    settings: Settings = app.state.settings
    app.state.numbering_engine = create_engine(
        settings, pool_size=settings.numbering_pool_size, max_overflow=0, isolation_level="AUTOCOMMIT"
    )


async def stop_numbering(app: FastAPI) -> None:
    """Close the numbering pool."""
    await app.state.numbering_engine.dispose()


async def stop_geocoder(app: FastAPI) -> None:
    """Close the geocoding client."""
    if getattr(app.state, "geocoder", None) is not None:
        await app.state.geocoder.aclose()


STARTUP: list[Hook] = [start_numbering, start_geocoder, geocode_worker.start, relay.start]
SHUTDOWN: list[Hook] = [stop_numbering, stop_geocoder, geocode_worker.stop, relay.stop]
