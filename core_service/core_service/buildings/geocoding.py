"""Coordinates for buildings from the Integration Service; optional, never fatal."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from core_service.config import Settings
from shared.http import CircuitOpen, ServiceClient

log = logging.getLogger("core.geocoding")


class GeocodingUnavailable(Exception):
    """The Integration Service could not answer now; try again later."""


@dataclass(frozen=True, slots=True)
class Coordinates:
    """Where an address is."""

    latitude: float
    longitude: float
    formatted_address: str | None


class Geocoder:
    """`GET /api/v1/geocoding/forward?address=` on the Integration Service."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def forward(self, tenant: str, address: str) -> Coordinates | None:
        """Coordinates of `address`, None when nothing was found; GeocodingUnavailable on failure."""
        try:
            response = await self.client.request(
                "GET", "/api/v1/geocoding/forward", params={"address": address, "lang": "ru"},
                headers={"X-Tenant-ID": tenant},
            )
        except (httpx.HTTPError, CircuitOpen) as exc:
            raise GeocodingUnavailable(str(exc)) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise GeocodingUnavailable(f"integration answered {response.status_code}")
        try:
            body = response.json()
            return Coordinates(float(body["lat"]), float(body["lon"]), body.get("formatted_address"))
        except (ValueError, KeyError, TypeError) as exc:
            raise GeocodingUnavailable(f"unexpected geocoding answer: {exc}") from exc

    async def has_provider(self) -> bool | None:
        """Whether the Integration Service has a geocoder configured; None when it cannot say now."""
        try:
            response = await self.client.request("GET", "/api/v1/geocoding/health")
            providers = response.json()["providers"] if response.status_code == 200 else None
            return None if providers is None else any(p["configured"] for p in providers)
        except (httpx.HTTPError, CircuitOpen, ValueError, KeyError, TypeError):
            return None

    async def aclose(self) -> None:
        """Close the HTTP pool."""
        await self.client.aclose()


async def connect(settings: Settings) -> Geocoder | None:
    """The geocoding client, or None (said once in the log) when no geocoder is configured.

    An Integration Service that cannot answer at start keeps geocoding on: buildings are then
    geocoded later by the retry, as when it fails afterwards.
    """
    if not settings.integration_url:
        log.info("geocoding is off: CORE_INTEGRATION_URL is not set")
        return None
    geocoder = Geocoder(ServiceClient(
        "integration", settings.integration_url, token=settings.integration_api_token,
        timeout=settings.geocode_timeout_seconds, attempts=1,
    ))
    if await geocoder.has_provider() is False:
        await geocoder.aclose()
        log.info("geocoding is off: the Integration Service has no geocoding provider configured")
        return None
    return geocoder
