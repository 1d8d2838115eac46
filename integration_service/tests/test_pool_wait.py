"""A busy Redis pool makes callers wait their turn (bounded, generously), not answer 503."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from integration_service.app import create_app
from integration_service.config import Settings
from shared.app import resources_of

AUTH = {"Authorization": "Bearer test-token", "X-Tenant-ID": "pool-wait"}


async def test_cache_stats_wait_for_a_busy_pool_longer_than_a_command_timeout(settings: Settings) -> None:
    busy = settings.model_copy(update={"redis_pool_size": 1, "redis_timeout_seconds": 0.5})
    app: FastAPI = create_app(busy)
    async with app.router.lifespan_context(app):
        pool = resources_of(app).redis.connection_pool
        # Another caller holds the pool's one connection for three command timeouts.
        connection = await pool.get_connection()
        asyncio.get_running_loop().call_later(1.5, lambda: asyncio.ensure_future(pool.release(connection)))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers=AUTH) as c:
            stats = await c.get("/api/v1/cache/stats")
    assert stats.status_code == 200, stats.text
