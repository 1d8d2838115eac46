"""Readiness says "a dependency is down", not "busy": a slow but alive dependency is ready, a dead
one is named within `interval + budget` seconds, and probes at any rate run the checks once per
interval."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from shared import testing
from shared.config import ServiceSettings
from shared.health import CHECK_BUDGET_SECONDS, Check, Readiness, health_router, redis_check
from shared.redis import create_redis


class Dependency:
    """A dependency whose check answers after `delay` seconds, or raises while `down`."""

    def __init__(self) -> None:
        self.delay, self.down, self.calls = 0.0, False, 0

    async def check(self) -> None:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.down:
            raise ConnectionRefusedError("refused")


def client(checks: dict[str, Check], readiness: Readiness) -> httpx.AsyncClient:
    async def given() -> dict[str, Check]:
        return checks

    app = FastAPI()
    app.include_router(health_router("demo", given, readiness))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.fixture
def database() -> Dependency:
    return Dependency()


@pytest.fixture
async def probe(database: Dependency) -> AsyncIterator[httpx.AsyncClient]:
    async with client({"database": database.check}, Readiness(interval=0.2, budget=1.0)) as http:
        yield http


def test_the_budget_is_generous() -> None:
    assert CHECK_BUDGET_SECONDS >= 5  # far beyond a busy pool's wait, far below a probe's patience


async def test_a_slow_but_alive_dependency_is_ready(database: Dependency) -> None:
    database.delay = 2.5  # the old 2 s timeout called this down
    async with client({"database": database.check}, Readiness(interval=0.2)) as http:
        ready = await http.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok"}


async def test_a_dependency_that_goes_down_is_named_within_interval_and_budget(
        database: Dependency, probe: httpx.AsyncClient) -> None:
    assert (await probe.get("/health/ready")).status_code == 200
    database.down = True
    went_down = time.monotonic()
    while (answer := await probe.get("/health/ready")).status_code == 200:
        assert time.monotonic() - went_down < 0.2 + 1.0 + 0.5, "still ready"
        await asyncio.sleep(0.05)
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["database"] and answer.json()["status"] == "unavailable"
    database.down = False
    while (await probe.get("/health/ready")).status_code == 503:
        assert time.monotonic() - went_down < 5, "never ready again"
        await asyncio.sleep(0.05)


async def test_a_dependency_slower_than_the_budget_counts_as_down(database: Dependency) -> None:
    database.delay = 0.5
    async with client({"database": database.check}, Readiness(interval=0.1, budget=0.2)) as http:
        ready = await http.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "timeout"}


async def test_many_probes_share_one_run_of_the_checks(database: Dependency,
                                                       probe: httpx.AsyncClient) -> None:
    database.delay = 0.1
    answers = await asyncio.gather(*(probe.get("/health/ready") for _ in range(50)))
    assert {a.status_code for a in answers} == {200}
    assert database.calls == 1


async def test_a_probe_during_a_slow_refresh_answers_the_recent_result_with_its_age(
        database: Dependency, probe: httpx.AsyncClient) -> None:
    await probe.get("/health/ready")
    await asyncio.sleep(0.25)  # older than the interval: the next probe starts a refresh
    database.delay = 0.6
    started = time.monotonic()
    ready = await probe.get("/health/ready")
    assert time.monotonic() - started < 0.3  # it did not wait for the slow check
    assert ready.status_code == 200 and ready.json()["age_seconds"] >= 0.2


async def test_redis_is_ready_while_its_pool_is_busy_longer_than_a_command_timeout() -> None:
    settings = ServiceSettings(redis_url=testing.redis_url("shared"), redis_pool_size=1,
                               redis_timeout_seconds=0.5)
    busy = create_redis(settings)
    pool = busy.connection_pool
    try:
        # The pool's one connection is taken by another caller for three command timeouts.
        connection = await pool.get_connection()
        asyncio.get_running_loop().call_later(1.5, lambda: asyncio.ensure_future(pool.release(connection)))
        async with client({"redis": redis_check(busy)}, Readiness()) as http:
            ready = await http.get("/health/ready")
    finally:
        await busy.aclose()
    assert ready.status_code == 200, ready.text
