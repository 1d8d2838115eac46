"""Forward and reverse geocoding: tenant cache first, then providers in order with fallback."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from integration_service.geocoding import limits
from integration_service.geocoding.cache_keys import forward_key, reverse_key
from integration_service.geocoding.exceptions import (
    TRANSIENT,
    GeocodingUnavailable,
    NotFound,
    ProviderFailure,
)
from integration_service.geocoding.health import HealthBook
from integration_service.geocoding.providers import Place
from integration_service.geocoding.schemas import GeocodeResult
from shared.cache import Cache
from shared.http import ServiceClient

log = logging.getLogger("geocoding")
NAMESPACE = "geocoding"


class Provider(Protocol):
    """What the geocoder needs of a provider."""

    name: str

    @property
    def configured(self) -> bool: ...

    async def forward(self, address: str, lang: str) -> Place: ...

    async def reverse(self, lat: float, lon: float, lang: str) -> Place: ...


@dataclass
class Geocoder:
    """Providers in their configured order, each with its own per-minute limit."""

    providers: Sequence[Provider]
    clients: Sequence[ServiceClient]
    cache: Cache
    health: HealthBook
    limiter: limits.ProviderLimiter
    ttl: int
    per_minute: dict[str, int] = field(default_factory=dict)

    async def aclose(self) -> None:
        """Close the providers' connection pools."""
        for client in self.clients:
            await client.aclose()

    async def forward(self, tenant: str, address: str, lang: str) -> GeocodeResult:
        """Coordinates of `address`; NotFound or GeocodingUnavailable when no provider has them."""
        return await self._lookup(tenant, forward_key(address, lang), address,
                                  lambda p: p.forward(address, lang))

    async def reverse(self, tenant: str, lat: float, lon: float, lang: str) -> GeocodeResult:
        """The address at (`lat`, `lon`)."""
        return await self._lookup(tenant, reverse_key(lat, lon, lang), f"{lat},{lon}",
                                  lambda p: p.reverse(lat, lon, lang))

    async def _lookup(
        self, tenant: str, key: str, query: str, call: Callable[[Provider], Awaitable[Place]]
    ) -> GeocodeResult:
        hit = await self.cache.get(tenant, key, namespace=NAMESPACE)
        if hit is not None:
            return GeocodeResult(**{**hit, "cached": True})
        result = await self._ask_providers(query, call)
        await self.cache.set(tenant, key, result.model_dump(exclude={"cached"}), ttl=self.ttl)
        return result

    async def _ask_providers(
        self, query: str, call: Callable[[Provider], Awaitable[Place]]
    ) -> GeocodeResult:
        failures: list[ProviderFailure] = []
        for provider in self.providers:
            if not provider.configured or await self.health.is_benched(provider.name):
                continue
            try:
                await self.limiter.acquire(provider.name, self.per_minute.get(provider.name, 600))
                place = await call(provider)
            except ProviderFailure as failure:
                log.info("geocoding provider failed, trying the next",
                         extra={"provider": provider.name, "kind": failure.kind, "detail": failure.detail})
                if not failure.local:
                    await self.health.record_failure(provider.name, failure)
                failures.append(failure)
                continue
            await self.health.record_ok(provider.name)
            return GeocodeResult(lat=place.lat, lon=place.lon, formatted_address=place.formatted_address,
                                 provider=provider.name, precision=place.precision)
        raise _final_error(query, failures)


def _final_error(query: str, failures: list[ProviderFailure]) -> Exception:
    """404 when the providers that answered found nothing; 429/503 when one may still succeed."""
    transient = [f for f in failures if f.kind in TRANSIENT]
    if transient:
        waits = [f.retry_after for f in transient if f.retry_after]
        only_our_limit = all(f.local for f in transient) and len(transient) == len(failures)
        return GeocodingUnavailable(
            "every geocoding provider is over its limit or unavailable",
            retry_after=min(waits) if waits else 5.0,
            status_code=429 if only_our_limit else 503,
        )
    if any(f.kind == "zero_results" for f in failures):
        return NotFound(query)
    return GeocodingUnavailable("no geocoding provider is configured and healthy", retry_after=30.0)
