"""The background retry that fills in coordinates the Integration Service could not give at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from core_service.buildings import service
from core_service.buildings.geocoding import Geocoder
from core_service.config import Settings
from shared.db import session_scope

log = logging.getLogger("core.geocoding")


async def geocode_pending(app: FastAPI) -> int:
    """One pass: geocode every building still waiting; how many got coordinates."""
    geocoder: Geocoder | None = app.state.geocoder
    settings: Settings = app.state.settings
    if geocoder is None:
        return 0
    filled = 0
    async for session in session_scope(app.state.sessionmaker):
        for building in await service.awaiting_coordinates(session, settings.geocode_max_attempts):
            filled += await service.geocode(session, geocoder, building)
    return filled


async def run(app: FastAPI) -> None:
    """Repeat `geocode_pending` every `geocode_retry_seconds` until cancelled."""
    settings: Settings = app.state.settings
    while True:
        await asyncio.sleep(settings.geocode_retry_seconds)
        try:
            await geocode_pending(app)
        except Exception:  # a failed pass must not end the loop; the next one retries
            log.exception("geocoding pass failed")


async def start(app: FastAPI) -> None:
    """Start the retry loop (when geocoding is configured and workers are on)."""
    app.state.geocode_task = None
    if app.state.geocoder is not None and app.state.settings.run_workers:
        app.state.geocode_task = asyncio.create_task(run(app), name="geocode-retry")


async def stop(app: FastAPI) -> None:
    """Stop the retry loop."""
    task = app.state.geocode_task
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
