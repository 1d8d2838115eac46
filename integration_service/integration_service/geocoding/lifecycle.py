"""Build the geocoder on start-up: its providers in `INTEGRATION_GEOCODING_PROVIDERS` order."""

from __future__ import annotations

from redis.asyncio import Redis

from integration_service.config import Settings
from integration_service.geocoding.health import HealthBook
from integration_service.geocoding.limits import ProviderLimiter
from integration_service.geocoding.providers import GoogleProvider, YandexProvider
from integration_service.geocoding.service import Geocoder, Provider
from integration_service.logs.writer import CallLog
from shared.cache import Cache


def build(settings: Settings, redis: Redis, call_log: CallLog) -> Geocoder:
    """The geocoder; close it with `aclose()`."""
    # One attempt per call: falling back to the next provider is the retry.
    timeout = settings.outbound_timeout_seconds
    google = call_log.client("google_geocoding", settings.google_geocoding_url, timeout=timeout, attempts=1)
    yandex = call_log.client("yandex_geocoder", settings.yandex_geocoder_url, timeout=timeout, attempts=1)
    known: dict[str, Provider] = {
        "google": GoogleProvider(google, settings.google_geocoding_url, settings.google_api_key),
        "yandex": YandexProvider(yandex, settings.yandex_geocoder_url, settings.yandex_api_key),
    }
    order = list(dict.fromkeys(settings.geocoding_providers.split(",")))
    return Geocoder(
        providers=[known[name] for name in order],
        clients=[google, yandex],
        cache=Cache(redis, settings.service_name),
        health=HealthBook(redis, settings.geocoding_denied_cooldown_seconds),
        limiter=ProviderLimiter(redis),
        ttl=settings.geocoding_cache_ttl_seconds,
        per_minute={"google": settings.google_geocoding_rate_limit_per_minute,
                    "yandex": settings.yandex_geocoder_rate_limit_per_minute},
    )
