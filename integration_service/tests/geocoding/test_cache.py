"""Results are cached an hour per tenant under a normalized address."""

from __future__ import annotations

import httpx
import pytest
from redis.asyncio import Redis

from telegram_emulator.standins.testing import Google


async def test_second_lookup_is_a_cache_hit(client: httpx.AsyncClient, google: Google,
                                            known_place: str) -> None:
    first = await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    second = await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    assert first.json()["cached"] is False
    assert second.json() == {**first.json(), "cached": True}
    assert google.calls("google.geocode") == 1


@pytest.mark.parametrize("variant", ["ташкент улица навои 12", "  ТАШКЕНТ,  улица Навои 12.",
                                     "Ташкент; улица—Навои, 12"])
async def test_case_spacing_and_punctuation_share_a_key(client: httpx.AsyncClient, google: Google,
                                                        known_place: str, variant: str) -> None:
    await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    response = await client.get("/api/v1/geocoding/forward", params={"address": variant})
    assert response.json()["cached"] is True


async def test_tenants_do_not_share_cached_results(client: httpx.AsyncClient, google: Google,
                                                   known_place: str) -> None:
    await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    other = await client.get("/api/v1/geocoding/forward", params={"address": known_place},
                             headers={"X-Tenant-ID": "other-uk"})
    assert other.json()["cached"] is False
    assert google.calls("google.geocode") == 2


async def test_cache_entry_lives_an_hour(client: httpx.AsyncClient, redis: Redis, known_place: str) -> None:
    await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    keys = [k async for k in redis.scan_iter(match="cache:integration:default:geo:fwd:*")]
    assert len(keys) == 1
    assert 3500 < await redis.ttl(keys[0]) <= 3600


async def test_reverse_results_are_cached(client: httpx.AsyncClient, google: Google,
                                          known_place: str) -> None:
    for _ in range(2):
        response = await client.get("/api/v1/geocoding/reverse", params={"lat": 41.3111, "lon": 69.2797})
    assert response.json()["cached"] is True
    assert google.calls("google.geocode") == 1


@pytest.mark.parametrize("module_settings", [{"google_geocoding_rate_limit_per_minute": 2}])
async def test_provider_limit_sends_the_rest_to_the_next_provider(client: httpx.AsyncClient,
                                                                  google: Google) -> None:
    providers = []
    for n in range(3):
        google.place(f"Chilonzor {n}", 41.28, 69.20 + n / 10, f"Chilonzor, {n}")
        response = await client.get("/api/v1/geocoding/forward", params={"address": f"Chilonzor {n}"})
        providers.append(response.json()["provider"])
    assert providers == ["google", "google", "yandex"]
    assert google.calls("google.geocode") == 2
    health = {p["name"]: p for p in (await client.get("/api/v1/geocoding/health")).json()["providers"]}
    assert (health["google"]["used_last_minute"], health["google"]["limit_per_minute"]) == (2, 2)
    assert health["yandex"]["used_last_minute"] == 1


@pytest.mark.parametrize("module_settings", [{"geocoding_providers": "google",
                                                "google_geocoding_rate_limit_per_minute": 1}])
async def test_over_every_limit_is_429_with_retry_after(client: httpx.AsyncClient, known_place: str) -> None:
    await client.get("/api/v1/geocoding/forward", params={"address": known_place})
    response = await client.get("/api/v1/geocoding/forward", params={"address": "Another 2"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
