"""The Integration client against the real Integration Service app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from bot_gateway.clients import BackendUnavailable, Clients, Unauthorized, build_clients
from shared import testing
from shared.migrations import upgrade

integration_app = pytest.importorskip("integration_service.app")
from integration_service.config import Settings as IntegrationSettings  # noqa: E402

TOKEN = "bot-integration-token"


@pytest.fixture(scope="module")
async def integration_database() -> AsyncIterator[str]:
    url = await testing.create_database("bot_integration")
    migrations = Path(integration_app.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade, migrations, url)
    yield url
    await testing.drop_database(url)


@pytest.fixture
async def clients(integration_database, make_settings) -> AsyncIterator[Clients]:
    settings = IntegrationSettings(database_url=integration_database, redis_url=testing.redis_url("bot"),
                                   api_tokens=[TOKEN], encryption_key=Fernet.generate_key().decode(),
                                   log_json=False, run_worker=False)
    app = integration_app.create_app(settings)
    async with app.router.lifespan_context(app):
        bot_settings = make_settings(integration_api_token=TOKEN, integration_url="http://integration.test",
                                     http_attempts=1)
        built = build_clients(bot_settings, integration_transport=httpx.ASGITransport(app))
        yield built
        await built.aclose()


async def test_health_and_geocoding_health_answer(clients: Clients):
    assert await clients.integration.health() is True
    assert isinstance(await clients.integration.geocoding_health(), dict)


async def test_geocoding_with_no_provider_configured_is_backend_unavailable(clients: Clients):
    with pytest.raises(BackendUnavailable):
        await clients.integration.geocode("Tashkent, Amir Temur 1")


async def test_a_wrong_token_is_unauthorized(clients: Clients):
    clients.integration.http.http.headers["Authorization"] = "Bearer wrong"
    with pytest.raises(Unauthorized):
        await clients.integration.geocoding_health()
