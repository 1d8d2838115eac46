"""The Integration Service client (geocoding; health)."""

from __future__ import annotations

from typing import Any

from bot_gateway.clients.base import BaseApiClient


class IntegrationClient(BaseApiClient):
    """`/api/v1/geocoding/*` with the service token."""

    async def geocode(self, address: str, language: str = "ru") -> dict[str, Any]:
        """Coordinates for an address."""
        result: dict[str, Any] = await self.call(
            "GET", "/api/v1/geocoding/forward", params={"address": address, "lang": language}
        )
        return result

    async def geocoding_health(self) -> dict[str, Any]:
        """Each geocoding provider's state."""
        result: dict[str, Any] = await self.call("GET", "/api/v1/geocoding/health")
        return result

    async def reverse(self, lat: float, lon: float) -> dict[str, Any]:
        """An address for coordinates."""
        result: dict[str, Any] = await self.call(
            "GET", "/api/v1/geocoding/reverse", params={"lat": lat, "lon": lon}
        )
        return result
