"""Bot gateway test fixtures.

Two kinds: a migrated database, Redis DB "bot", a fake Bot API and a fake Core (`run_app`); and
the real stack (`run_bot`): the real Core app (PostgreSQL, Redis, outbox relay), the Telegram
emulator on a real port, and the real bot app polling it with every handler and the notifier.
"""

from __future__ import annotations

import sys

# pytest's importlib mode names this file `bot_gateway.tests.conftest` and puts a namespace
# stand-in for the member folder at `sys.modules["bot_gateway"]`, shadowing the real package.
if getattr(sys.modules.get("bot_gateway"), "__file__", None) is None:
    sys.modules.pop("bot_gateway", None)

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.app import create_app
from bot_gateway.clients import build_clients
from bot_gateway.config import Settings
from bot_gateway.models import Base
from bot_gateway.notifications import STREAMS, group
from core_service import cli
from core_service.app import create_app as create_core_app
from core_service.buildings.models import Building
from core_service.config import Settings as CoreSettings
from core_service.models import Base as CoreBase
from shared import testing
from shared.app import resources_of
from shared.db import session_scope
from shared.testing import redis_url, serve, truncate_all
from telegram_emulator.app import create_app as create_emulator_app
from telegram_emulator.config import Settings as EmulatorSettings

sys.path.insert(0, str(Path(__file__).parent))  # the suite's fakes and chat harness (importlib mode)
from bot_fakes import SECRET, TOKEN, FakeCore, FakeTelegram
from harness import BOT_TOKEN, SERVICE_TOKEN, Chat

MIGRATIONS = Path(__file__).resolve().parents[1] / "bot_gateway" / "migrations"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with testing.migrated_database("bot", MIGRATIONS) as url:
        yield url


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
    testing.forget_finished_apps()


@pytest.fixture
def make_settings(database_url: str, telegram: FakeTelegram) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": TOKEN, "telegram_api_url": telegram.url, "database_url": database_url,
            "redis_url": redis_url("bot"), "core_url": "http://core.test", "core_api_token": "svc-token",
            "polling_timeout_seconds": 1, "metrics_flush_seconds": 0.2, "log_json": False,
            "webhook_url": "https://bot.example/telegram/webhook", "webhook_secret": SECRET,
            "http_backoff_seconds": 0.01, "db_pool_size": 5,
            "feature_announcements": False,  # the fake Core has no announcements to deliver
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


# The real stack: Core, the emulator and the bot.

CORE_MIGRATIONS = Path(__file__).resolve().parents[2] / "core_service" / "core_service" / "migrations"
CLAIM = "flows-tests:claim"
# Core and the bot share one Redis, as in production. The logical DB is claimed per run (not the
# suite's "bot" DB, which every bot_gateway run flushes), so two runs on one workstation never
# share streams, consumer groups or FSM keys.
FREE_DBS = (14, 15, 8, 7, 6, 5, 4, 3, 2, 1)


@pytest.fixture(scope="session")
async def flows_redis() -> AsyncIterator[str]:
    """The URL of a Redis logical DB no other test run is using."""
    base = testing.redis_url("bot").rsplit("/", 1)[0]
    for db in FREE_DBS:
        client = Redis.from_url(f"{base}/{db}")
        claimed = await client.set(CLAIM, str(os.getpid()), nx=True, ex=3600)
        if claimed:
            await client.flushdb()
            await client.set(CLAIM, str(os.getpid()), ex=3600)
            yield f"{base}/{db}"
            await client.flushdb()
            await client.aclose()
            return
        await client.aclose()
    raise RuntimeError("no free Redis logical DB for the flow tests")


async def reset_redis(client: Redis) -> None:
    """Empty the run's DB between tests, keeping the claim."""
    claim = await client.get(CLAIM)
    await client.flushdb()
    if claim is not None:
        await client.set(CLAIM, claim, ex=3600)


@pytest.fixture(scope="session")
async def core_database() -> AsyncIterator[str]:
    async with testing.migrated_database("botcore", CORE_MIGRATIONS) as url:
        yield url


@pytest.fixture
async def core_app(core_database: str, flows_redis: str) -> AsyncIterator[FastAPI]:
    """The real Core Service; its relay appends events to `stream:core` in the bot's Redis."""
    settings = CoreSettings(
        database_url=core_database,
        redis_url=flows_redis,
        api_tokens=[SERVICE_TOKEN],
        jwt_secret="flows-jwt-secret-0123456789abcdef",
        log_json=False,
        run_workers=True,
        integration_url=None,
        integration_api_token=None,
        db_pool_size=4,  # a shared test server: keep the footprint small
        db_max_overflow=2,
    )
    app = create_core_app(settings)
    async with app.router.lifespan_context(app):
        yield app
        await testing.empty_app(app, CoreBase.metadata, redis=False)
        await reset_redis(resources_of(app).redis)


class CoreSwitch(httpx.AsyncBaseTransport):
    """The network between the bot and Core: up (the ASGI app) or down (connection refused).

    `lose_answer = ("POST", "/api/v1/requests")`: the next such call reaches Core, which handles
    it, but its answer never comes back (a read timeout).
    """

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = False
        self.lose_answer: tuple[str, str] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("core is down", request=request)
        response = await self.inner.handle_async_request(request)
        if self.lose_answer == (request.method, request.url.path):
            self.lose_answer = None
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


@pytest.fixture
def core_net(core_app: FastAPI) -> CoreSwitch:
    return CoreSwitch(core_app)


@pytest.fixture(scope="session")
def emulator_settings() -> EmulatorSettings:
    """The running emulator's settings (a test may change one with monkeypatch, such as the
    window in which a button press can still be answered)."""
    return EmulatorSettings(log_json=False, flood_control=False, allowed_tokens=[])


@pytest.fixture(scope="session")
async def emulator_url(emulator_settings: EmulatorSettings) -> AsyncIterator[str]:
    async with serve(create_emulator_app(emulator_settings)) as url:
        yield url


@pytest.fixture
async def emulator(emulator_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emulator_url, timeout=30) as http:
        yield http
        await http.post("/control/reset")


@pytest.fixture
def bot_settings(
    make_settings: Callable[..., Settings], emulator_url: str, flows_redis: str
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": BOT_TOKEN,
            "telegram_api_url": emulator_url,
            "core_url": "http://core.test",
            "core_api_token": SERVICE_TOKEN,
            "feature_notifications": True,
            "feature_announcements": True,
            "rate_limit_enabled": False,
            "register_commands": False,
            "breaker_threshold": 50,
            "breaker_cooldown_seconds": 1.0,
            "redis_url": flows_redis,
            "db_pool_size": 3,
        }
        return make_settings(**{**values, **overrides})

    return make


@pytest.fixture
def run_bot(bot_settings: Callable[..., Settings], core_net: CoreSwitch) -> Callable[..., Any]:
    """`async with run_bot() as app:` the real bot app polling the emulator."""

    @asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[FastAPI]:
        settings = bot_settings(**overrides)
        app = create_app(settings, clients=build_clients(settings, core_transport=core_net))
        async with app.router.lifespan_context(app):
            await notifier_groups_made(settings)
            yield app

    return run


async def notifier_groups_made(settings: Settings, seconds: float = 10) -> None:
    """Wait until the notifier's consumer groups exist: made at the stream's end, they would miss
    the events a test causes before."""
    if not settings.feature_notifications:
        return
    client = Redis.from_url(settings.redis_url)
    name = group(settings.tenant_id).encode()
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        for stream in STREAMS:
            while not any(info["name"] == name for info in await _groups(client, stream)):
                assert asyncio.get_running_loop().time() < deadline, f"no notifier group on {stream}"
                await asyncio.sleep(0.02)
    finally:
        await client.aclose()


async def _groups(client: Redis, stream: str) -> list[dict[str, Any]]:
    try:
        return list(await client.xinfo_groups(stream))
    except ResponseError:  # no stream yet
        return []


@pytest.fixture
def make_user(core_app: FastAPI, emulator: httpx.AsyncClient) -> Callable[..., Any]:
    """A Core user with roles and language, and the same person in the emulator; their chat."""
    ids = iter(range(810_000_001, 810_100_000))

    async def make(
        role: str = "applicant",
        language: str = "ru",
        specializations: tuple[str, ...] = (),
        name: str = "Test",
    ) -> Chat:
        telegram_id = next(ids)
        async for session in session_scope(resources_of(core_app).sessions):
            user = await cli.upsert_user(
                session,
                "default",
                telegram_id,
                [role],
                list(specializations),
                first_name=f"{name}{telegram_id % 1000}",
            )
            user.language = language
        answer = await emulator.post(
            "/control/users",
            json={"id": telegram_id, "first_name": name, "language_code": language, "role": role},
        )
        assert answer.status_code == 201, answer.text
        return Chat(emulator, telegram_id, language)

    return make


@pytest.fixture
def make_building(core_app: FastAPI) -> Callable[..., Any]:
    async def make(address: str = "Ташкент, ул. Навои, 1", apartments: int = 72) -> int:
        async for session in session_scope(resources_of(core_app).sessions):
            row = Building(
                tenant_id="default",
                address=address,
                entrances=2,
                floors=9,
                apartments=apartments,
                geocode_attempts=0,
            )
            session.add(row)
            await session.flush()
            building_id = row.id
        return building_id

    return make


@pytest.fixture
async def core_client(core_app: FastAPI) -> AsyncIterator[Callable[..., Any]]:
    """`await core_client(telegram_id)`: an httpx client to Core signed in as that user."""
    clients: list[httpx.AsyncClient] = []

    async def signed_in(telegram_id: int) -> httpx.AsyncClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=core_app), base_url="http://core.test")
        clients.append(http)
        answer = await http.post(
            "/api/v1/auth/telegram",
            json={"telegram_id": telegram_id, "first_name": "X"},
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        )
        assert answer.status_code == 200, answer.text
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return http

    yield signed_in
    for http in clients:
        await http.aclose()
