"""The Integration Service through a real PgBouncer in transaction pooling mode
(`INTEGRATION_DB_PGBOUNCER`): webhooks received at once are stored, processed and published once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from integration_service.lifecycle import resources_of
from shared import testing


@pytest.fixture(scope="module")
def bouncer() -> Iterator[str]:
    """A PgBouncer with four server connections per database; its server URL."""
    with testing.pgbouncer(testing.pgbouncer_required(), pool_size=4) as url:
        yield url


@pytest.fixture
def module_settings(bouncer: str, database_url: str) -> dict[str, Any]:
    database = database_url.rsplit("/", 1)[1]
    return {"database_url": f"{bouncer}/{database}", "db_pgbouncer": True, "run_worker": True,
            "db_pool_size": 6, "db_max_overflow": 0}


async def test_webhooks_received_at_once_are_published_once_each(wh: Any, redis: Any) -> None:
    await wh.config(source="crm", secret=wh.HMAC_SECRET)

    async def deliver(n: int) -> None:
        body = orjson.dumps({"id": wh.uid(f"p{n}"), "type": "order.paid"})
        response = await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "accepted"

    await asyncio.gather(*(deliver(n) for n in range(60)))
    duplicate = orjson.dumps({"id": wh.uid("p0"), "type": "order.paid"})
    again = await wh.generic("crm", duplicate, {"X-Signature": wh.hmac_hex(duplicate)})
    assert again.json()["status"] == "duplicate"

    worker = resources_of(wh.app).worker
    assert worker is not None and worker._listener is None  # it polls
    deadline = time.monotonic() + 20
    # An event reaches the stream a moment before the worker's commit marks its row processed.
    while (len(await wh.stream_ids(redis)) < 60 or len(await wh.rows(status="processed")) < 60) \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    published = await wh.stream_ids(redis)
    assert sorted(published) == sorted(wh.uid(f"p{n}") for n in range(60))
    assert len(await wh.rows(status="processed")) == 60
