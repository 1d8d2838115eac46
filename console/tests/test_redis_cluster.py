"""The console and Core on a real three-master Redis Cluster (`REDIS_CLUSTER=true` for both): a
change in Core reaches an open board through `stream:core`, and an expiring session is refreshed
once under its lock while pages load together."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from consoling import file_request, sign_in
from fastapi import FastAPI

from console.config import Settings
from console.sessions.store import COOKIE, PREFIX
from core_service.app import create_app as create_core_app
from core_service.config import Settings as CoreSettings
from core_service.models import Base as CoreBase
from shared import testing
from shared.app import resources_of
from shared.redis import is_cluster

SERVICE_TOKEN = "console-service-token"


@pytest.fixture(scope="module")
def shared_redis() -> Iterator[str]:
    """A Redis Cluster for Core and the console instead of a logical database."""
    with testing.redis_cluster(testing.redis_server_required()) as url:
        yield url


@pytest.fixture
async def core_app(core_database: str, shared_redis: str) -> AsyncIterator[FastAPI]:
    """The real Core Service on the cluster; its relay appends events to `stream:core`."""
    settings = CoreSettings(
        _env_file=None, database_url=core_database, redis_url=shared_redis, redis_cluster=True,
        api_tokens=[SERVICE_TOKEN], jwt_secret="console-jwt-secret-0123456789abcdef", log_json=False,
        run_workers=True, integration_url=None, integration_api_token=None, db_pool_size=4, db_max_overflow=2,
    )
    app = create_core_app(settings)
    async with app.router.lifespan_context(app):
        yield app
        await testing.empty_app(app, CoreBase.metadata)


@pytest.fixture
def console_settings(shared_redis: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "redis_url": shared_redis, "redis_cluster": True, "core_url": "http://core.test",
            "core_api_token": SERVICE_TOKEN, "bot_username": "uk_test_bot", "log_json": False, **overrides,
        }
        return Settings(_env_file=None, **values)

    return make


async def next_event(lines: Any) -> dict[str, Any]:
    wanted = False
    async for line in lines:
        if line == "event: request":
            wanted = True
        elif wanted and line.startswith("data: "):
            return dict(json.loads(line.removeprefix("data: ")))
    raise AssertionError("the stream ended")


async def test_a_change_in_core_reaches_an_open_board_on_a_cluster(
    run_console, core, make_person, make_building
):
    manager, resident = await make_person("manager"), await make_person("resident")
    building = await make_building()
    async with run_console() as app, testing.serve(app) as url, httpx.AsyncClient(base_url=url) as browser:
        assert is_cluster(resources_of(app).redis)
        await sign_in(browser, core, manager)
        async with browser.stream("GET", "/events") as stream:
            lines = stream.aiter_lines()
            assert await anext(lines) == ": live"
            number = await file_request(core, resident, building)
            created = await asyncio.wait_for(next_event(lines), 10)
            assert created == {"number": number, "event": "request.created", "status": "new"}


async def test_an_expiring_session_is_refreshed_once_on_a_cluster(browser, signed_in, console_app):
    redis = resources_of(console_app).redis
    key = PREFIX + hashlib.sha256(browser.cookies[COOKIE].encode()).hexdigest()
    stored = orjson.loads(await redis.get(key) or b"")
    stored["access_expires_at"] = 0
    await redis.set(key, orjson.dumps(stored), keepttl=True)
    pages = await asyncio.gather(*(browser.get("/board") for _ in range(4)))
    assert [p.status_code for p in pages] == [200] * 4
    renewed = orjson.loads(await redis.get(key) or b"")
    assert renewed["refresh_token"] != stored["refresh_token"]
    assert (await browser.get("/board")).status_code == 200  # the family was not revoked
