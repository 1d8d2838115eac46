"""The background retry that fills in coordinates the Integration Service could not give at once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.buildings import service
from core_service.buildings.geocoding import Geocoder
from core_service.config import Settings
from shared.background import BackgroundLoop
from shared.db import session_scope


async def geocode_pending(
    sessionmaker: async_sessionmaker[AsyncSession], geocoder: Geocoder, max_attempts: int
) -> int:
    """One pass: geocode every building still waiting; how many got coordinates."""
    filled = 0
    async for session in session_scope(sessionmaker):
        for building in await service.awaiting_coordinates(session, max_attempts):
            filled += await service.geocode(session, geocoder, building)
    return filled


def geocoding_loop(
    sessionmaker: async_sessionmaker[AsyncSession], geocoder: Geocoder, settings: Settings
) -> BackgroundLoop:
    """A pass of `geocode_pending` every `geocode_retry_seconds` (a failed pass backs off)."""

    async def step() -> bool:
        await geocode_pending(sessionmaker, geocoder, settings.geocode_max_attempts)
        return False

    return BackgroundLoop("geocode-retry", step, interval=settings.geocode_retry_seconds,
                          max_backoff=settings.geocode_retry_seconds)
