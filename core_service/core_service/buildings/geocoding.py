"""Coordinates for buildings from the Integration Service; optional, never fatal."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

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

    async def aclose(self) -> None:
        """Close the HTTP pool."""
        await self.client.aclose()
