"""Build the geocoder on start-up, close its HTTP pools on shut-down."""

from __future__ import annotations

from fastapi import FastAPI

from integration_service.config import Settings
from integration_service.geocoding.health import HealthBook
from integration_service.geocoding.limits import ProviderLimiter
from integration_service.geocoding.outbound import provider_client
from integration_service.geocoding.providers import GoogleProvider, YandexProvider
from integration_service.geocoding.service import Geocoder, Provider
from shared.cache import Cache


async def start(app: FastAPI) -> None:
    """`app.state.geocoder` with the providers in `INTEGRATION_GEOCODING_PROVIDERS` order."""
    settings: Settings = app.state.settings
    google = provider_client(app, "google_geocoding", settings.google_geocoding_url)
    yandex = provider_client(app, "yandex_geocoder", settings.yandex_geocoder_url)
    app.state.geocoding_clients = [google, yandex]
    known: dict[str, Provider] = {
        "google": GoogleProvider(google, settings.google_geocoding_url, settings.google_api_key),
        "yandex": YandexProvider(yandex, settings.yandex_geocoder_url, settings.yandex_api_key),
    }
    order = list(dict.fromkeys(settings.geocoding_providers.split(",")))
    app.state.geocoder = Geocoder(
        providers=[known[name] for name in order],
        cache=Cache(app.state.redis, settings.service_name),
        health=HealthBook(app.state.redis, settings.geocoding_denied_cooldown_seconds),
        limiter=ProviderLimiter(app.state.redis),
        ttl=settings.geocoding_cache_ttl_seconds,
        per_minute={"google": settings.google_geocoding_rate_limit_per_minute,
                    "yandex": settings.yandex_geocoder_rate_limit_per_minute},
    )


async def stop(app: FastAPI) -> None:
    """Close the provider connection pools."""
    for client in getattr(app.state, "geocoding_clients", []):
        await client.aclose()
