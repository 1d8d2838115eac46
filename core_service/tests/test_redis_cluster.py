"""The Core Service on a real three-master Redis Cluster (`CORE_REDIS_CLUSTER`): requests filed at
once, with the workers running, each put one `core.request.created` on `stream:core`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from core_service.lifecycle import Core
from shared import testing
from shared.redis import is_cluster

from .conftest import MakeUser, file_retrying, unpublished


@pytest.fixture(scope="module")
def redis_cluster_url() -> Iterator[str]:
    with testing.redis_cluster(testing.redis_server_required()) as url:
        yield url


@pytest.fixture
def settings_overrides(redis_cluster_url: str) -> dict[str, Any]:
    return {"redis_url": redis_cluster_url, "redis_cluster": True, "run_workers": True}


async def test_requests_filed_at_once_each_reach_the_stream_once_on_a_cluster(
    client: Any, make_user: MakeUser, building: int, core: Core, redis: Redis, sessionmaker: Any
) -> None:
    assert is_cluster(redis)
    residents = [await make_user() for _ in range(5)]
    body = {"building_id": building, "apartment": "7", "category": "heating", "description": "холодно"}

    async def create(i: int) -> None:
        await file_retrying(client, residents[i % 5], body)

    await asyncio.gather(*(create(i) for i in range(20)))
    deadline = time.monotonic() + 15
    while await unpublished(sessionmaker) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert await unpublished(sessionmaker) == 0
    created = [fields for _, fields in await testing.stream_entries(redis, core.settings.events_stream)
               if fields[b"channel"] == b"core.request.created"]
    assert len(created) == 20

