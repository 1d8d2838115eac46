"""The Integration Service on a real three-master Redis Cluster (`INTEGRATION_REDIS_CLUSTER`):
webhooks received at once are rate-limited, stored, processed and published once to
`stream:integration`, and the sheets cache's generation bump is a one-slot transaction."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from integration_service.sheets.cache import ReadCache
from shared import testing
from shared.cache import Cache
from shared.ratelimit import RATE_LIMIT_FAIL_OPEN
from shared.redis import is_cluster


@pytest.fixture(scope="module")
def redis_cluster_url() -> Iterator[str]:
    with testing.redis_cluster(testing.redis_server_required()) as url:
        yield url


@pytest.fixture
def module_settings(redis_cluster_url: str) -> dict[str, Any]:
    return {"redis_url": redis_cluster_url, "redis_cluster": True, "run_worker": True}


async def test_webhooks_received_at_once_are_published_once_each_on_a_cluster(wh: Any, redis: Any) -> None:
    assert is_cluster(redis)
    failed_open = RATE_LIMIT_FAIL_OPEN.labels("webhooks")._value.get()
    await wh.config(source="crm", secret=wh.HMAC_SECRET)

    async def deliver(n: int) -> None:
        body = orjson.dumps({"id": wh.uid(f"p{n}"), "type": "order.paid"})
        response = await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "accepted"

    await asyncio.gather(*(deliver(n) for n in range(30)))
    duplicate = orjson.dumps({"id": wh.uid("p0"), "type": "order.paid"})
    again = await wh.generic("crm", duplicate, {"X-Signature": wh.hmac_hex(duplicate)})
    assert again.json()["status"] == "duplicate"

    deadline = time.monotonic() + 20
    # An event reaches the stream a moment before the worker's commit marks its row processed.
    while (len(await wh.stream_ids(redis)) < 30 or len(await wh.rows(status="processed")) < 30) \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert sorted(await wh.stream_ids(redis)) == sorted(wh.uid(f"p{n}") for n in range(30))
    assert len(await wh.rows(status="processed")) == 30
    assert RATE_LIMIT_FAIL_OPEN.labels("webhooks")._value.get() == failed_open  # really counted


async def test_a_sheets_write_forgets_the_cached_reads_on_a_cluster(wh: Any, redis: Any) -> None:
    reads = ReadCache(Cache(redis, "integration"), redis, ttl=60)
    before = await reads.generation("t1", "sheet")
    await reads.put("t1", "sheet", before, "values", "A1:B2", [[1, 2]])
    assert await reads.get("t1", "sheet", before, "values", "A1:B2") == [[1, 2]]
    await reads.invalidate("t1", "sheet")
    after = await reads.generation("t1", "sheet")
    assert after == (before or 0) + 1
    assert await reads.get("t1", "sheet", after, "values", "A1:B2") is None
