"""Fixtures for the shared package's tests: a real Redis logical database, emptied per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from shared import testing
from shared.config import ServiceSettings
from shared.redis import create_redis, same_slot


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(testing.redis_url("shared"))
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
def redis_cluster_url() -> Iterator[str]:
    """A real three-master Redis Cluster for the session (started on first use); a node's URL."""
    with testing.redis_cluster(testing.redis_server_required()) as url:
        yield url


@pytest.fixture
async def redis_cluster(redis_cluster_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Redis]:
    """A `RedisCluster` client the services would make (`REDIS_CLUSTER=true`), emptied per test.

    Every script it runs is checked: all the keys of one call must hash to one slot.
    """
    client = create_redis(ServiceSettings(redis_url=redis_cluster_url, redis_cluster=True))
    spread: list[tuple[Any, ...]] = []
    execute = client.execute_command

    async def checked(*args: Any, **options: Any) -> Any:
        if str(args[0]).upper() in ("EVAL", "EVALSHA") and not same_slot(*args[3:3 + int(args[2])]):
            spread.append(args[:3 + int(args[2])])
        return await execute(*args, **options)

    monkeypatch.setattr(client, "execute_command", checked)
    await client.flushall()
    yield client
    await client.flushall()
    await client.aclose()
    assert spread == [], "a script's keys hash to different cluster slots"
