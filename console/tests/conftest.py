"""Console test fixtures: the real Core Service (PostgreSQL, its outbox relay) and the console over
it, sharing one Redis logical DB as in production; signed-in managers."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from console.app import create_app
from console.config import Settings
from core_service import cli
from core_service.app import create_app as create_core_app
from core_service.buildings.models import Building
from core_service.config import Settings as CoreSettings
from core_service.models import Base as CoreBase
from shared import testing
from shared.app import resources_of
from shared.db import session_scope

sys.path.insert(0, str(Path(__file__).parent))  # the suite's helpers (importlib mode)
from consoling import Person, sign_in

CORE_MIGRATIONS = Path(__file__).resolve().parents[2] / "core_service" / "core_service" / "migrations"
SERVICE_TOKEN = "console-service-token"
CLAIM = "flows-tests:claim"
# Logical DBs claimed with the bot's flow tests' key, so a console run and a bot run never share one.
FREE_DBS = (7, 6, 5, 4, 3, 2, 1, 8, 15, 14)


@pytest.fixture(scope="session")
async def shared_redis() -> AsyncIterator[str]:
    """The URL of a Redis logical DB no other test run is using (Core and the console share it)."""
    base = testing.redis_url("core").rsplit("/", 1)[0]
    for db in FREE_DBS:
        client = Redis.from_url(f"{base}/{db}")
        if await client.set(CLAIM, str(os.getpid()), nx=True, ex=3600):
            await client.flushdb()
            await client.set(CLAIM, str(os.getpid()), ex=3600)
            yield f"{base}/{db}"
            await client.flushdb()
            await client.aclose()
            return
        await client.aclose()
    raise RuntimeError("no free Redis logical DB for the console tests")


@pytest.fixture(scope="session")
async def core_database() -> AsyncIterator[str]:
    async with testing.migrated_database("consolecore", CORE_MIGRATIONS) as url:
        yield url


@pytest.fixture
async def core_app(core_database: str, shared_redis: str) -> AsyncIterator[FastAPI]:
    """The real Core Service; its relay appends events to `stream:core`."""
    settings = CoreSettings(
        _env_file=None, database_url=core_database, redis_url=shared_redis, api_tokens=[SERVICE_TOKEN],
        jwt_secret="console-jwt-secret-0123456789abcdef", log_json=False, run_workers=True,
        integration_url=None, integration_api_token=None, db_pool_size=4, db_max_overflow=2,
    )
    app = create_core_app(settings)
    async with app.router.lifespan_context(app):
        yield app
        await testing.empty_app(app, CoreBase.metadata, redis=False)
        redis = resources_of(app).redis
        claim = await redis.get(CLAIM)
        await redis.flushdb()
        await redis.set(CLAIM, claim or b"", ex=3600)


@pytest.fixture
def console_settings(shared_redis: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "redis_url": shared_redis, "core_url": "http://core.test", "core_api_token": SERVICE_TOKEN,
            "bot_username": "uk_test_bot", "log_json": False, **overrides,
        }
        return Settings(_env_file=None, **values)

    return make


@pytest.fixture
def run_console(console_settings: Callable[..., Settings], core_app: FastAPI) -> Callable[..., Any]:
    """`async with run_console(**settings) as app:` the console, reaching Core in-process."""

    @asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[FastAPI]:
        app = create_app(console_settings(**overrides), core_transport=httpx.ASGITransport(app=core_app))
        async with app.router.lifespan_context(app):
            yield app

    return run


@pytest.fixture
async def console_app(run_console: Callable[..., Any]) -> AsyncIterator[FastAPI]:
    async with run_console() as app:
        yield app


@pytest.fixture
async def browser(console_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A browser without a session (cookies kept between its requests)."""
    async with testing.asgi_client(console_app) as client:
        yield client


@pytest.fixture
async def core(core_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Core's API with the service token."""
    async with testing.asgi_client(core_app, {"Authorization": f"Bearer {SERVICE_TOKEN}"}) as client:
        yield client


@pytest.fixture
def make_person(core_app: FastAPI, core: httpx.AsyncClient) -> Callable[..., Awaitable[Person]]:
    ids = iter(range(820_000_001, 820_100_000))

    async def make(role: str = "manager", specializations: tuple[str, ...] = (), name: str = "Dilnoza",
                   phone: str | None = None) -> Person:
        telegram_id = next(ids)
        async for session in session_scope(resources_of(core_app).sessions):
            user = await cli.upsert_user(session, "default", telegram_id, [role], list(specializations),
                                         first_name=name)
            user.status = "active"
            user.phone = phone
        body = {"telegram_id": telegram_id, "first_name": name}
        answer = await core.post("/api/v1/auth/telegram", json=body)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Person(body["user"]["id"], telegram_id, body["access_token"])

    return make


@pytest.fixture
def make_building(core_app: FastAPI) -> Callable[..., Awaitable[int]]:
    async def make(address: str = "Ташкент, ул. Навои, 1") -> int:
        async for session in session_scope(resources_of(core_app).sessions):
            row = Building(tenant_id="default", address=address, entrances=2, floors=9, apartments=72,
                           geocode_attempts=0)
            session.add(row)
            await session.flush()
            building_id = row.id
        return building_id

    return make


@pytest.fixture
async def signed_in(browser: httpx.AsyncClient, core: httpx.AsyncClient, make_person: Any) -> Person:
    """The browser signed in as a manager."""
    manager = await make_person("manager")
    await sign_in(browser, core, manager)
    return manager
