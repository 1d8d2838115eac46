"""The service starts and stays honest while PostgreSQL or Redis is unreachable."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from integration_service.app import create_app
from integration_service.config import Settings

DEAD_DB = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
DEAD_REDIS = "redis://127.0.0.1:1/0"
ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer test-token"}


@asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=AUTH) as c:
            yield c


async def test_starts_with_both_dependencies_down_and_names_both(settings: Settings) -> None:
    dead = settings.model_copy(update={"database_url": DEAD_DB, "redis_url": DEAD_REDIS})
    async with _running(dead) as c:
        assert (await c.get("/health")).status_code == 200
        ready = await c.get("/health/ready")
    assert ready.status_code == 503
    assert sorted(ready.json()["failing"]) == ["database", "redis"]


async def test_database_down_is_503_with_retry_after_not_500(settings: Settings) -> None:
    async with _running(settings.model_copy(update={"database_url": DEAD_DB})) as c:
        for response in (await c.get("/api/v1/services"), await c.get("/api/v1/logs"),
                         await c.post("/api/v1/services", json={
                             "name": "x", "service_type": "y", "base_url": "https://x.test"})):
            assert response.status_code == 503, response.text
            assert response.json()["dependency"] == "database"
            assert response.headers["retry-after"]


async def test_redis_down_is_503_for_cache_stats(settings: Settings) -> None:
    async with _running(settings.model_copy(update={"redis_url": DEAD_REDIS})) as c:
        response = await c.get("/api/v1/cache/stats")
    assert response.status_code == 503
    assert response.json()["dependency"] == "redis"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _wait_health(url: str, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as c:
        while True:
            try:
                return await c.get(url)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def test_python_m_starts_a_real_server_that_answers(settings: Settings) -> None:
    port = _free_port()
    env = {**os.environ, "INTEGRATION_DATABASE_URL": settings.database_url,
           "INTEGRATION_REDIS_URL": settings.redis_url, "INTEGRATION_PORT": str(port),
           "INTEGRATION_ENCRYPTION_KEY": settings.encryption_key, "INTEGRATION_API_TOKENS": "t1",
           "INTEGRATION_RUN_WORKER": "false"}
    proc = subprocess.Popen([sys.executable, "-m", "integration_service"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        assert (await _wait_health(base + "/health")).status_code == 200
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": "Bearer t1"}) as c:
            assert (await c.get("/health/ready")).status_code == 200
            assert (await c.get("/api/v1/services")).status_code == 200
    finally:
        proc.terminate()
        _, err = await asyncio.to_thread(proc.communicate, timeout=20)
    # uvicorn re-raises SIGTERM after a graceful shutdown, so -15 is a clean exit here.
    assert proc.returncode in (0, -15), err.decode()[-2000:]
    assert "Application shutdown complete" in err.decode()
