"""StreamConsumer against real Redis: ack after success, redelivery, dead letters, Redis restarts."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis
from redis.exceptions import ConnectionError

from shared import testing
from shared.events import Envelope, Handler, StreamConsumer

STREAM = "stream:test"


async def add(redis: Redis, n: int, stream: str = STREAM) -> None:
    env = Envelope.new(event_type="thing", source="test", tenant_id="t", event_id=f"e{n}", data={"n": n})
    await redis.xadd(stream, {"envelope": env.to_json(), "channel": "test.thing"})


async def wait_for(predicate, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def wait_for_pending(redis: Redis, count: int) -> None:
    """Wait until the group has `count` entries delivered and not acknowledged."""
    deadline = time.monotonic() + 10
    while (await redis.xpending(STREAM, "g"))["pending"] != count:
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def lane_of(env: Envelope) -> str:
    """Each entry its own lane."""
    return str(env.data["n"])


async def test_handler_gets_each_entry_and_it_is_acknowledged(redis: Redis) -> None:
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10)
    await consumer.ensure_group()
    for n in range(3):
        await add(redis, n)
    assert await consumer.run_once() == 3
    assert seen == ["e0", "e1", "e2"]
    assert (await redis.xpending(STREAM, "g"))["pending"] == 0


async def test_a_slow_lane_holds_back_only_its_own_entries(redis: Redis) -> None:
    # Even entries are one subject, odd ones another; the subject "0" waits until "1" is done.
    done: list[str] = []
    odd_done = asyncio.Event()

    async def handler(env: Envelope) -> None:
        if env.data["n"] % 2 == 0:
            await asyncio.wait_for(odd_done.wait(), 5)
        done.append(env.event_id)
        if env.event_id == "e5":
            odd_done.set()

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10,
                              lane=lambda env: str(env.data["n"] % 2))
    await consumer.ensure_group()
    for n in range(6):
        await add(redis, n)
    assert await consumer.run_once() == 6
    assert done == ["e1", "e3", "e5", "e0", "e2", "e4"]  # in order within each lane
    assert (await redis.xpending(STREAM, "g"))["pending"] == 0


async def test_the_consumer_reads_on_while_a_lane_waits(redis: Redis) -> None:
    # e0 waits (a chat paced at one message a second); entries added after it are handled meanwhile.
    release, started, done = asyncio.Event(), asyncio.Event(), []

    async def handler(env: Envelope) -> None:
        if env.event_id == "e0":
            started.set()
            await asyncio.wait_for(release.wait(), 10)
        done.append(env.event_id)

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=20, lane=lane_of)
    await consumer.ensure_group()
    await add(redis, 0)
    await consumer.start()
    await asyncio.wait_for(started.wait(), 5)
    for n in (1, 2, 3):
        await add(redis, n)
    await wait_for(lambda: done == ["e1", "e2", "e3"])
    assert (await redis.xpending(STREAM, "g"))["pending"] == 1  # e0, still its turn to come
    release.set()
    await wait_for(lambda: len(done) == 4)
    await wait_for_pending(redis, 0)
    await consumer.stop()


async def test_an_entry_waiting_its_turn_is_not_taken_for_stale(redis: Redis) -> None:
    # e0 waits longer than claim_idle_ms; another consumer must not reclaim it, nor its count rise.
    release, started, done = asyncio.Event(), asyncio.Event(), []

    async def slow(env: Envelope) -> None:
        started.set()
        await asyncio.wait_for(release.wait(), 10)
        done.append(env.event_id)

    waiting = StreamConsumer(redis, STREAM, "g", "c1", slow, block_ms=20, claim_idle_ms=900, lane=lane_of)
    other = StreamConsumer(redis, STREAM, "g", "c2", failing(AssertionError("reclaimed")), block_ms=10,
                           claim_idle_ms=900)
    await waiting.ensure_group()
    await add(redis, 0)
    await waiting.start()
    await asyncio.wait_for(started.wait(), 5)
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        assert await other.run_once() == 0
        await asyncio.sleep(0.05)
    [entry] = await redis.xpending_range(STREAM, "g", min="-", max="+", count=10)
    assert (entry["consumer"], entry["times_delivered"]) == (b"c1", 1)
    release.set()
    await wait_for(lambda: done == ["e0"])
    await wait_for_pending(redis, 0)
    await waiting.stop()


async def test_at_most_max_in_flight_entries_are_held_the_rest_wait_in_the_stream(redis: Redis) -> None:
    release, done = asyncio.Event(), []

    async def handler(env: Envelope) -> None:
        await asyncio.wait_for(release.wait(), 10)
        done.append(env.event_id)

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=20, lane=lane_of, max_in_flight=2)
    await consumer.ensure_group()
    for n in range(5):
        await add(redis, n)
    await consumer.start()
    await wait_for_pending(redis, 2)
    await asyncio.sleep(0.3)
    assert (await redis.xpending(STREAM, "g"))["pending"] == 2  # three never read
    release.set()
    await wait_for(lambda: sorted(done) == [f"e{n}" for n in range(5)])
    await wait_for_pending(redis, 0)
    await consumer.stop()


async def test_on_read_sees_each_entry_as_it_is_read_before_its_turn(redis: Redis) -> None:
    release, read, done = asyncio.Event(), [], []

    async def noticed(env: Envelope) -> None:
        read.append(env.event_id)

    async def handler(env: Envelope) -> None:
        await asyncio.wait_for(release.wait(), 10)
        done.append(env.event_id)

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=20, lane=lambda env: "one",
                              on_read=noticed)
    await consumer.ensure_group()
    for n in range(3):
        await add(redis, n)
    await consumer.start()
    await wait_for(lambda: read == ["e0", "e1", "e2"])
    assert done == []  # all three seen while the first still waits
    release.set()
    await wait_for(lambda: done == ["e0", "e1", "e2"])
    await consumer.stop()


async def test_entries_waiting_at_stop_stay_pending_for_the_restarted_consumer(redis: Redis) -> None:
    started: list[str] = []

    async def stuck(env: Envelope) -> None:
        started.append(env.event_id)
        await asyncio.Event().wait()

    consumer = StreamConsumer(redis, STREAM, "g", "c1", stuck, block_ms=20, lane=lambda env: "one")
    await consumer.ensure_group()
    await add(redis, 0)
    await add(redis, 1)
    await consumer.start()
    await wait_for(lambda: started == ["e0"])
    await consumer.stop()
    assert (await redis.xpending(STREAM, "g"))["pending"] == 2
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    restarted = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10, lane=lambda env: "one")
    assert await restarted.run_once() == 2
    assert seen == ["e0", "e1"]
    await wait_for_pending(redis, 0)


async def test_group_created_before_the_stream_exists_gets_later_entries(redis: Redis) -> None:
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10)
    assert await consumer.run_once() == 0
    await add(redis, 7)
    assert await consumer.run_once() == 1
    assert seen == ["e7"]


async def test_failed_entry_is_redelivered_then_dead_lettered_after_max_deliveries(redis: Redis) -> None:
    calls: list[str] = []

    async def handler(env: Envelope) -> None:
        calls.append(env.event_id)
        raise RuntimeError("boom")

    consumer = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10, claim_idle_ms=0,
                              max_deliveries=3)
    await add(redis, 1)
    for _ in range(6):
        await consumer.run_once()
    assert calls == ["e1"] * 3
    dead = await testing.stream_entries(redis, f"{STREAM}:dead")
    assert len(dead) == 1
    assert Envelope.from_json(dead[0][1][b"envelope"]).event_id == "e1"
    assert dead[0][1][b"reason"] == b"too many deliveries"
    assert (await redis.xpending(STREAM, "g"))["pending"] == 0


def failing(exc: Exception) -> Handler:
    """A handler that raises `exc` for every entry."""

    async def handler(env: Envelope) -> None:
        raise exc

    return handler


async def test_malformed_entry_goes_straight_to_the_dead_letter_stream(redis: Redis) -> None:
    unexpected = failing(AssertionError("must not be called"))
    consumer = StreamConsumer(redis, STREAM, "g", "c1", unexpected, block_ms=10)
    await consumer.ensure_group()
    await redis.xadd(STREAM, {"envelope": b"not json"})
    await consumer.run_once()
    assert await redis.xlen(f"{STREAM}:dead") == 1
    assert (await redis.xpending(STREAM, "g"))["pending"] == 0


async def test_entries_of_a_crashed_consumer_are_claimed_by_another(redis: Redis) -> None:
    first = StreamConsumer(redis, STREAM, "g", "c1", failing(RuntimeError("crashed before ack")), block_ms=10)
    await first.ensure_group()
    await add(redis, 1)
    await first.run_once()
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    # Idle long enough that a busy machine cannot age the entry before the first look.
    second = StreamConsumer(redis, STREAM, "g", "c2", handler, block_ms=10, claim_idle_ms=1500)
    assert await second.run_once() == 0
    await asyncio.sleep(1.6)
    assert await second.run_once() == 1
    assert seen == ["e1"]
    assert (await redis.xpending(STREAM, "g"))["pending"] == 0


async def test_restarted_consumer_handles_its_own_pending_entries_first(redis: Redis) -> None:
    await redis.xgroup_create(STREAM, "g", id="0", mkstream=True)
    await add(redis, 1)
    await redis.xreadgroup("g", "c1", {STREAM: ">"})  # delivered, then the process died
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    restarted = StreamConsumer(redis, STREAM, "g", "c1", handler, block_ms=10)
    assert await restarted.run_once() == 1
    assert seen == ["e1"]


async def test_consumer_survives_a_redis_restart_and_misses_nothing(redis_server) -> None:
    client = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=1)
    seen: list[str] = []

    async def handler(env: Envelope) -> None:
        seen.append(env.event_id)

    consumer = StreamConsumer(client, STREAM, "g", "c1", handler, block_ms=100, max_backoff=0.2)
    await consumer.start()
    for n in range(5):
        await add(client, n)
    await wait_for(lambda: len(seen) == 5)
    await redis_server.restart_after(0.5)
    for n in range(5, 10):
        for _ in range(50):  # the producer's own connection may need a moment to come back too
            try:
                await add(client, n)
                break
            except ConnectionError:
                await asyncio.sleep(0.1)
    await wait_for(lambda: len(seen) == 10, 30)
    await consumer.stop()
    assert seen == [f"e{n}" for n in range(10)]
    await client.aclose()
