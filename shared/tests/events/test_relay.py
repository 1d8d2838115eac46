"""Outbox + relay against real PostgreSQL and Redis: in-transaction emit, exactly-once publishing."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import testing
from shared.events import Envelope, OutboxRelay, emit
from shared.events import emit_many as emit_rows

OutboxEvent: Any = None


def envelope(n: int, tenant: str = "t1") -> Envelope:
    return Envelope.new(event_type="thing.happened", source="test", tenant_id=tenant, data={"n": n})


@pytest.fixture(autouse=True)
def _model(outbox: Any) -> None:
    global OutboxEvent
    OutboxEvent = outbox


async def emit_many(maker: async_sessionmaker[AsyncSession], count: int, channel: str = "test.thing") -> None:
    async with maker() as session, session.begin():
        for n in range(count):
            await emit(session, OutboxEvent, envelope(n), channel=channel)


async def unpublished(maker: async_sessionmaker[AsyncSession]) -> int:
    async with maker() as session:
        query = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        return int((await session.execute(query)).scalar_one())


async def test_emit_is_part_of_the_callers_transaction(sessionmaker) -> None:
    async with sessionmaker() as session:
        await emit(session, OutboxEvent, envelope(1), channel="test.thing")
        await session.rollback()
    assert await unpublished(sessionmaker) == 0
    await emit_many(sessionmaker, 1)
    assert await unpublished(sessionmaker) == 1


async def test_relay_publishes_to_channel_and_stream_and_marks_rows_sent(sessionmaker, redis: Redis) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe("test.thing")
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    await emit_many(sessionmaker, 3)
    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", listen=False)
    assert await relay.run_once() == 3
    assert await relay.run_once() == 0
    assert await unpublished(sessionmaker) == 0
    received = []
    while (message := await pubsub.get_message(timeout=1)) is not None:
        received.append(Envelope.from_json(message["data"]).data["n"])
    assert received == [0, 1, 2]
    entries = await testing.stream_entries(redis, "stream:test")
    assert [orjson.loads(f[b"envelope"])["data"]["n"] for _, f in entries] == [0, 1, 2]
    assert {f[b"channel"] for _, f in entries} == {b"test.thing"}
    await pubsub.aclose()


async def test_row_stream_overrides_the_relays_default_stream(sessionmaker, redis: Redis) -> None:
    async with sessionmaker() as session, session.begin():
        await emit(session, OutboxEvent, envelope(1), channel="c", stream="stream:other")
    await OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", listen=False).run_once()
    assert await redis.xlen("stream:other") == 1
    assert await redis.exists("stream:test") == 0


async def test_concurrent_relays_never_publish_a_row_twice(sessionmaker, redis: Redis) -> None:
    await emit_many(sessionmaker, 500)
    relays = [OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", batch=20, listen=False)
              for _ in range(4)]

    async def drain(relay: OutboxRelay) -> int:
        total = 0
        while (n := await relay.run_once()) > 0:
            total += n
        return total

    counts = await asyncio.gather(*(drain(r) for r in relays))
    assert sum(counts) == 500
    entries = await testing.stream_entries(redis, "stream:test")
    ids = [orjson.loads(f[b"envelope"])["event_id"] for _, f in entries]
    assert len(ids) == len(set(ids)) == 500


async def test_rows_survive_redis_being_down_and_are_published_when_it_is_back(
    sessionmaker, redis_server
) -> None:
    client = Redis.from_url(redis_server.url, socket_timeout=1, socket_connect_timeout=1)
    relay = OutboxRelay(sessionmaker, OutboxEvent, client, stream="stream:test", interval=0.05,
                        max_backoff=0.2, listen=False)
    await relay.start()
    redis_server.stop()
    await emit_many(sessionmaker, 10)
    await asyncio.sleep(0.5)
    assert await unpublished(sessionmaker) == 10
    async with sessionmaker() as session:
        attempts = (await session.execute(select(func.min(OutboxEvent.attempts)))).scalar_one()
        assert attempts >= 1
    redis_server.start()
    deadline = time.monotonic() + 10
    while await unpublished(sessionmaker) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await relay.stop()
    assert await unpublished(sessionmaker) == 0
    assert await client.xlen("stream:test") == 10
    await client.aclose()


async def test_notify_on_commit_wakes_the_relay_long_before_its_poll_interval(
    sessionmaker, redis: Redis
) -> None:
    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", interval=30)
    await relay.start()
    assert relay._listener is not None
    await asyncio.wait_for(relay._listener.connected.wait(), 5)
    await asyncio.sleep(0.1)  # let the first (empty) poll finish
    started = time.monotonic()
    await emit_many(sessionmaker, 1)
    while await redis.xlen("stream:test") == 0 and time.monotonic() - started < 5:
        await asyncio.sleep(0.005)
    elapsed = time.monotonic() - started
    await relay.stop()
    assert await redis.xlen("stream:test") == 1
    assert elapsed < 1.0


async def test_emit_many_adds_all_rows_and_after_publish_runs_in_the_relays_transaction(
    sessionmaker, redis: Redis
) -> None:
    async with sessionmaker() as session, session.begin():
        await emit_rows(session, OutboxEvent, [(envelope(n), "test.many", None) for n in range(5)])
    seen: list[int] = []

    async def after(session: AsyncSession, rows: Any) -> None:
        assert session.in_transaction()
        seen.extend(row.payload["data"]["n"] for row in rows)

    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", listen=False,
                        after_publish=after)
    assert await relay.run_once() == 5
    assert seen == [0, 1, 2, 3, 4]


async def test_a_batch_applied_but_whose_reply_was_lost_is_not_published_twice(sessionmaker, redis) -> None:
    await emit_many(sessionmaker, 3)
    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, stream="stream:test", listen=False)
    async with sessionmaker() as session:
        rows = (await session.execute(select(OutboxEvent).order_by(OutboxEvent.id))).scalars().all()
    await relay._publish(rows)  # Redis applied it, then (say) the connection dropped before the reply
    assert await unpublished(sessionmaker) == 3
    assert await relay.run_once() == 3  # the retry marks them sent...
    assert await redis.xlen("stream:test") == 3  # ...without adding them again


async def test_prune_deletes_only_rows_published_long_enough_ago(sessionmaker, redis) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    await emit_many(sessionmaker, 3)
    relay = OutboxRelay(sessionmaker, OutboxEvent, redis, listen=False, keep_published=timedelta(days=1))
    await relay.run_once()
    await emit_many(sessionmaker, 1)  # not published yet: never pruned
    async with sessionmaker() as session, session.begin():
        old = datetime.now(UTC) - timedelta(days=2)
        first = (await session.execute(select(func.min(OutboxEvent.id)))).scalar_one()
        await session.execute(update(OutboxEvent).where(OutboxEvent.id == first).values(published_at=old))
    assert await relay.prune() == 1
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxEvent))).scalar_one() == 3
    assert await unpublished(sessionmaker) == 1
