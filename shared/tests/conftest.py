"""Fixtures for the shared package's tests: a real Redis logical database, emptied per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from shared import testing


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(testing.redis_url("shared"))
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()
