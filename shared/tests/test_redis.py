"""The shared Redis client survives connections Redis dropped (a restart) without failing a call."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from redis.asyncio import Redis

from shared import testing
from shared.redis import create_redis


async def test_a_command_on_a_connection_redis_dropped_is_retried_on_a_new_one() -> None:
    settings: Any = SimpleNamespace(redis_url=testing.redis_url("shared"), redis_pool_size=1,
                                    redis_timeout_seconds=1.0, redis_pool_timeout_seconds=1.0,
                                    redis_cluster=False)
    client = create_redis(settings)
    admin = Redis.from_url(testing.redis_url("shared"))
    try:
        await client.set("probe", "1")
        pooled = await client.client_id()  # the pool's one connection
        # What a Redis restart does to every pooled socket: the server side closes it.
        assert await admin.client_kill_filter(_id=str(pooled)) == 1
        assert await client.get("probe") == b"1"
        assert await client.client_id() != pooled
    finally:
        await client.aclose()
        await admin.aclose()
