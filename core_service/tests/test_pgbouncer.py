"""The Core Service through a real PgBouncer in transaction pooling mode (`CORE_DB_PGBOUNCER`):
requests filed at once are numbered uniquely and every event reaches the stream, with the workers
running."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from redis.asyncio import Redis

from core_service.lifecycle import Core
from shared import testing

from .conftest import MakeUser, file_retrying, unpublished

# A creation takes a numbering connection while its transaction holds one: PgBouncer must have a
# server connection more than the main pool can hold at once, or they wait on each other until
# its query_wait_timeout. Twelve client connections share the nine.
POOL = 8


@pytest.fixture(scope="module")
def bouncer() -> Iterator[str]:
    """A PgBouncer with `POOL + 1` server connections per database; its server URL."""
    with testing.pgbouncer(testing.pgbouncer_required(), pool_size=POOL + 1) as url:
        yield url


@pytest.fixture
def settings_overrides(bouncer: str, database_url: str) -> dict[str, Any]:
    database = database_url.rsplit("/", 1)[1]
    return {"database_url": f"{bouncer}/{database}", "db_pgbouncer": True, "run_workers": True,
            "db_pool_size": POOL, "db_max_overflow": 0, "numbering_pool_size": 4}


async def test_requests_filed_at_once_get_distinct_numbers_and_every_event_is_published(
    client: Any, make_user: MakeUser, building: int, core: Core, redis: Redis, sessionmaker: Any
) -> None:
    residents = [await make_user() for _ in range(10)]
    body = {"building_id": building, "apartment": "7", "category": "heating", "description": "холодно"}

    async def create(i: int) -> str:
        return str((await file_retrying(client, residents[i % 10], body))["number"])

    numbers = await asyncio.gather(*(create(i) for i in range(60)))
    assert len(set(numbers)) == 60
    assert all(re.fullmatch(r"\d{6}-\d{3}", n) for n in numbers)

    # No LISTEN through the PgBouncer: the relay finds the rows by polling.
    assert core.relay._listener is None
    deadline = time.monotonic() + 15
    while await unpublished(sessionmaker) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert await unpublished(sessionmaker) == 0
    created = [fields for _, fields in await testing.stream_entries(redis, core.settings.events_stream)
               if fields[b"channel"] == b"core.request.created"]
    assert len(created) == 60

