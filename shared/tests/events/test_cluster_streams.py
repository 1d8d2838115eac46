"""The event pipeline on a real Redis Cluster (`REDIS_CLUSTER=true`): the relay's publish-once
script and its transactions per stream, pub/sub across nodes, consumer groups and dead letters."""

from __future__ import annotations

from typing import Any

import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import testing
from shared.events import Envelope, OutboxRelay, StreamConsumer, emit
from shared.redis import same_slot


def envelope(n: int) -> Envelope:
    return Envelope.new(event_type="thing.happened", source="test", tenant_id="t1", data={"n": n})


async def emit_rows(maker: async_sessionmaker[AsyncSession], outbox: Any, streams: list[str | None]) -> None:
    async with maker() as session, session.begin():
        for n, stream in enumerate(streams):
            await emit(session, outbox, envelope(n), channel="test.thing", stream=stream)


async def test_the_relay_publishes_a_batch_over_several_streams_once(
    sessionmaker, outbox, redis_cluster: Redis
) -> None:
    assert not same_slot("stream:core", "stream:integration")  # the batch spans two nodes' slots
    pubsub = redis_cluster.pubsub()
    await pubsub.subscribe("test.thing")
    await emit_rows(sessionmaker, outbox, ["stream:core", "stream:integration", None, "stream:core"])
    relay = OutboxRelay(sessionmaker, outbox, redis_cluster, stream="stream:core", listen=False)
    assert await relay.run_once() == 4
    assert await relay.run_once() == 0
    core = await testing.stream_entries(redis_cluster, "stream:core")
    assert [orjson.loads(f[b"envelope"])["data"]["n"] for _, f in core] == [0, 2, 3]
    assert await redis_cluster.xlen("stream:integration") == 1
    received: list[int] = []
    while len(received) < 4 and (message := await pubsub.get_message(timeout=2)) is not None:
        if message["type"] == "message":
            received.append(Envelope.from_json(message["data"]).data["n"])
    assert sorted(received) == [0, 1, 2, 3]
    await pubsub.aclose()


async def test_a_relay_retrying_a_batch_it_published_adds_nothing_twice(
    sessionmaker, outbox, redis_cluster: Redis
) -> None:
    await emit_rows(sessionmaker, outbox, [None, None])
    relay = OutboxRelay(sessionmaker, outbox, redis_cluster, stream="stream:core", listen=False)
    async with sessionmaker() as session:
        rows = (await session.execute(outbox.__table__.select())).all()
    await relay._publish(rows)
    await relay._publish(rows)  # as after an EXEC whose reply was lost
    assert await redis_cluster.xlen("stream:core") == 2


async def test_a_consumer_group_reads_acks_and_dead_letters_on_a_cluster(redis_cluster: Redis) -> None:
    seen: list[int] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.data["n"])

    consumer = StreamConsumer(redis_cluster, "stream:core", "g", "c1", handler, block_ms=10)
    await consumer.ensure_group()
    for n in range(3):
        await redis_cluster.xadd("stream:core", {"envelope": envelope(n).to_json(), "channel": "test.thing"})
    await redis_cluster.xadd("stream:core", {"envelope": b"not json"})
    assert await consumer.run_once() == 4
    assert seen == [0, 1, 2]
    assert await redis_cluster.xlen("stream:core:dead") == 1
    assert (await redis_cluster.xpending("stream:core", "g"))["pending"] == 0
