"""With Redis down the providers still answer: no cache, no limiter, no recorded health."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from integration_service.app import create_app
from integration_service.config import Settings
from telegram_emulator.standins.testing import Google


@pytest.fixture
async def no_redis(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with Redis unreachable (its own app: the shared fixture flushes Redis afterwards)."""
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                     headers={"Authorization": "Bearer test-token"}) as c:
            yield c


async def test_geocoding_works_without_redis(no_redis: httpx.AsyncClient, google: Google,
                                             known_place: str) -> None:
    for _ in range(2):
        response = await no_redis.get("/api/v1/geocoding/forward", params={"address": known_place})
        assert response.status_code == 200, response.text
        assert response.json()["cached"] is False
    assert google.calls("google.geocode") == 2
    assert (await no_redis.get("/api/v1/geocoding/health")).status_code == 200
