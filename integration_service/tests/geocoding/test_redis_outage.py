"""With Redis down the providers still answer: no cache, no limiter, no recorded health."""

from __future__ import annotations

import httpx

from telegram_emulator.standins.testing import Google


async def test_geocoding_works_without_redis(no_redis: httpx.AsyncClient, google: Google,
                                             known_place: str) -> None:
    for _ in range(2):
        response = await no_redis.get("/api/v1/geocoding/forward", params={"address": known_place})
        assert response.status_code == 200, response.text
        assert response.json()["cached"] is False
    assert google.calls("google.geocode") == 2
    assert (await no_redis.get("/api/v1/geocoding/health")).status_code == 200
