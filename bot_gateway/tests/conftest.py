"""Bot gateway test fixtures: a migrated database, Redis DB "bot", a fake Bot API and Core."""

from __future__ import annotations

import sys

# pytest's importlib mode names this file `bot_gateway.tests.conftest` and puts a namespace
# stand-in for the member folder at `sys.modules["bot_gateway"]`, shadowing the real package.
if getattr(sys.modules.get("bot_gateway"), "__file__", None) is None:
    sys.modules.pop("bot_gateway", None)

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.app import create_app
from bot_gateway.clients import build_clients
from bot_gateway.config import Settings
from bot_gateway.models import Base
from shared.migrations import upgrade
from shared.testing import create_database, drop_database, redis_url, truncate_all

sys.path.insert(0, str(Path(__file__).parent))  # the suite's HTTP fakes (importlib mode)
from bot_fakes import SECRET, TOKEN, FakeCore, FakeTelegram

MIGRATIONS = Path(__file__).resolve().parents[1] / "bot_gateway" / "migrations"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url = await create_database("bot")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    yield url
    await drop_database(url)


@pytest.fixture(scope="session")
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def core() -> FakeCore:
    return FakeCore()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url("bot"))
    yield client
    await client.aclose()


@pytest.fixture(autouse=True)
async def _clean(database_url: str, telegram: FakeTelegram) -> AsyncIterator[None]:
    telegram.reset()
    yield
    engine = create_async_engine(database_url)
    await truncate_all(engine, Base.metadata)
    await engine.dispose()
    client = Redis.from_url(redis_url("bot"))
    await client.flushdb()
    await client.aclose()
    telegram.reset()


@pytest.fixture
def make_settings(database_url: str, telegram: FakeTelegram) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": TOKEN, "telegram_api_url": telegram.url, "database_url": database_url,
            "redis_url": redis_url("bot"), "core_url": "http://core.test", "core_api_token": "svc-token",
            "polling_timeout_seconds": 1, "metrics_flush_seconds": 0.2, "log_json": False,
            "webhook_url": "https://bot.example/telegram/webhook", "webhook_secret": SECRET,
            "http_backoff_seconds": 0.01, "db_pool_size": 5,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def run_app(make_settings: Callable[..., Settings], core: FakeCore) -> Callable[..., Any]:
    @asynccontextmanager
    async def run(
        core_transport: httpx.AsyncBaseTransport | None = None, **overrides: Any
    ) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
        settings = make_settings(**overrides)
        clients = build_clients(settings, core_transport=core_transport or core.transport())
        app = create_app(settings, clients=clients)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
                yield app, client

    return run
