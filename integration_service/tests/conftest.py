"""Integration Service test fixtures: a migrated database per run, a Redis DB, the app."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.app import create_app
from integration_service.config import Settings
from integration_service.lifecycle import resources_of
from integration_service.models import Base
from shared import testing
from shared.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parent.parent / "integration_service" / "migrations"
TOKEN = "test-token"
testing.respx_fakes_service_clients()  # respx.mock fakes what ServiceClients call


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh database migrated with the real migrations."""
    url = await testing.create_database("integration")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    yield url
    await testing.drop_database(url)


@pytest.fixture(scope="session")
def fernet_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings changes of a package of tests (override this fixture in its conftest)."""
    return {}


@pytest.fixture
def module_settings() -> dict[str, Any]:
    """Settings changes of one test module or test, on top of its package's (override or parametrize)."""
    return {}


@pytest.fixture
def settings(
    database_url: str, fernet_key: str, settings_overrides: dict[str, Any], module_settings: dict[str, Any]
) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": testing.redis_url("integration"),
        "api_tokens": [TOKEN],
        "encryption_key": fernet_key,
        "log_json": True,
        "run_worker": False,
    }
    values.update(settings_overrides)
    values.update(module_settings)
    return Settings(**values)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The real app with its lifespan running; tables and Redis emptied afterwards."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application
        resources = resources_of(application)
        # Write the test's queued call records now, so they cannot land after the truncate.
        await resources.call_log.stop()
        await testing.truncate_all(resources.engine, Base.metadata)
        await resources.redis.flushdb()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client authenticated with the management token."""
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=headers) as c:
        yield c


@pytest.fixture
async def anon(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client without credentials."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
async def redis(app: FastAPI) -> Redis:
    return resources_of(app).redis


@pytest.fixture
async def session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session on the app's database for arranging rows and checking what was stored."""
    async with resources_of(app).sessionmaker() as s:
        yield s


@pytest.fixture
def run_command(settings: Settings) -> Any:
    """Run `python -m integration_service <command>` against the test database, as ops would."""

    async def run(command: str, **env: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "INTEGRATION_DATABASE_URL": settings.database_url,
                       "INTEGRATION_ENCRYPTION_KEY": settings.encryption_key, **env}
        return await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "integration_service", command],
            env=environment, cwd=MIGRATIONS.parents[2], capture_output=True, text=True, timeout=60,
        )

    return run


@pytest.fixture
async def no_redis(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A management client of an app whose Redis is unreachable (its own app: the `app` fixture
    flushes Redis afterwards)."""
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as c:
            yield c
