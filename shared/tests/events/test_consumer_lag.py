"""A consumer group's lag and pending count on /metrics (XINFO GROUPS, real Redis)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis

from shared.events import Envelope, StreamConsumer

STREAM = "stream:lag-test"


async def add(redis: Redis, n: int) -> None:
    env = Envelope.new(event_type="thing", source="test", tenant_id="t", event_id=f"e{n}", data={"n": n})
    await redis.xadd(STREAM, {"envelope": env.to_json(), "channel": "test.thing"})


def scraped(group: str) -> dict[str, float]:
    """`stream_group_lag` and `stream_group_pending` of `group`, as the /metrics text has them."""
    found, labels = {}, {"stream": STREAM, "group": group}
    for family in text_string_to_metric_families(generate_latest().decode()):
        for sample in family.samples:
            if sample.name.startswith("stream_group_") and sample.labels == labels:
                found[sample.name] = sample.value
    return found


async def failing_e0(env: Envelope) -> None:
    if env.event_id == "e0":
        raise RuntimeError("this one stays pending")


async def test_lag_and_pending_are_exported_after_a_read(redis: Redis) -> None:
    group = f"g-{uuid.uuid4().hex[:8]}"
    consumer = StreamConsumer(redis, STREAM, group, "c1", failing_e0, block_ms=10, batch=2)
    await consumer.ensure_group()
    for n in range(5):
        await add(redis, n)
    assert await consumer.refresh_lag() == (5, 0)
    assert scraped(group) == {"stream_group_lag": 5, "stream_group_pending": 0}
    await consumer.run_once()  # e0 fails (pending), e1 is acknowledged, e2..e4 not read yet
    assert await consumer.refresh_lag() == (3, 1)
    assert scraped(group) == {"stream_group_lag": 3, "stream_group_pending": 1}


async def test_a_running_consumer_refreshes_them_every_lag_interval(redis: Redis) -> None:
    group = f"g-{uuid.uuid4().hex[:8]}"

    async def failing_e0_and_e4(env: Envelope) -> None:
        if env.event_id in ("e0", "e4"):
            raise RuntimeError("these stay pending")

    consumer = StreamConsumer(redis, STREAM, group, "c1", failing_e0_and_e4, block_ms=10, lag_interval=0.05)
    await consumer.ensure_group()
    for n in range(4):
        await add(redis, n)
    await consumer.start()
    try:
        await until(lambda: scraped(group) == {"stream_group_lag": 0, "stream_group_pending": 1})
        await add(redis, 4)  # read and failed by the running consumer: a second pending entry
        await until(lambda: scraped(group) == {"stream_group_lag": 0, "stream_group_pending": 2})
    finally:
        await consumer.stop()


async def until(predicate: Callable[[], bool], seconds: float = 10) -> None:
    """Wait for `predicate`; fail with what /metrics shows after `seconds`."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the gauges never got there"
        await asyncio.sleep(0.02)


async def test_no_group_yet_exports_nothing_and_does_not_raise(redis: Redis) -> None:
    group = f"g-{uuid.uuid4().hex[:8]}"
    await add(redis, 0)
    consumer = StreamConsumer(redis, STREAM, group, "c1", failing_e0)
    assert await consumer.refresh_lag() is None
    assert scraped(group) == {}
