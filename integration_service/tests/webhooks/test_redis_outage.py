"""Every accepted event reaches a pub/sub subscriber and a consumer group exactly once, although
the service loses Redis (a TCP proxy we cut) in the middle of a burst."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from integration_service.lifecycle import resources_of
from integration_service.webhooks.models import WebhookEvent
from integration_service.webhooks.processing import STREAM
from shared import testing
from shared.events import Envelope, StreamConsumer

# A logical DB of its own: another run of this suite flushing DB 10 must not delete our stream.
OWN_DB = 7


@pytest.fixture
def settings_overrides(redis_proxy) -> dict[str, Any]:
    return {
        "redis_url": f"redis://127.0.0.1:{redis_proxy.port}/{OWN_DB}",
        "run_worker": True,
        "redis_timeout_seconds": 0.5,
    }


async def wait_until(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


async def test_subscriber_and_consumer_group_get_every_event_once_across_an_outage(wh, redis_proxy) -> None:
    direct = Redis.from_url(testing.redis_url("integration").rsplit("/", 1)[0] + f"/{OWN_DB}")
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    pubsub = direct.pubsub()
    await pubsub.psubscribe("integration.*")
    await pubsub.get_message(timeout=1)
    heard: list[str] = []

    async def listen() -> None:
        async for message in pubsub.listen():
            if message["type"] == "pmessage":
                heard.extend(wh.mine([Envelope.from_json(message["data"]).event_id]))

    listener = asyncio.create_task(listen())
    consumed: list[str] = []

    async def handle(envelope: Envelope) -> None:
        consumed.extend(wh.mine([envelope.event_id]))

    consumer = StreamConsumer(direct, STREAM, wh.uid("group"), "c1", handle, block_ms=100)
    await consumer.start()

    async def deliver(n: int) -> None:
        body = orjson.dumps({"id": wh.uid(f"b{n}"), "type": "order.paid"})
        response = await wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)})
        assert response.json()["status"] == "accepted"

    await asyncio.gather(*(deliver(n) for n in range(60)))
    await redis_proxy.cut()  # the service loses Redis mid-burst; receivers keep accepting
    await asyncio.gather(*(deliver(n) for n in range(60, 120)))
    await asyncio.sleep(1.0)
    async with resources_of(wh.app).sessionmaker() as session:
        waiting = (
            await session.execute(
                select(func.count()).select_from(WebhookEvent).where(WebhookEvent.published_at.is_(None))
            )
        ).scalar_one()
    assert waiting > 0  # held in their rows, not lost
    await redis_proxy.start()
    restored = time.monotonic()
    await wait_until(lambda: len(heard) >= 120 and len(consumed) >= 120, 20)
    elapsed = time.monotonic() - restored
    await asyncio.sleep(0.5)  # anything published twice would show up now
    await consumer.stop()
    listener.cancel()
    await pubsub.aclose()
    await direct.aclose()
    expected = sorted(wh.uid(f"b{n}") for n in range(120))
    assert sorted(heard) == expected
    assert sorted(consumed) == expected
    assert elapsed < 10
