"""The sliding-window limiter: exact limits, retry hints, keys that always expire, fail-open."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from shared.batching import Overloaded
from shared.ratelimit import RateLimiter


async def test_allows_up_to_the_limit_then_refuses_with_retry_after(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    decisions = [await limiter.hit("user:1", limit=5, window_seconds=60) for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    refused = decisions[-1]
    assert 0 < refused.retry_after <= 60
    assert int(refused.retry_after_header) >= 1


async def test_concurrent_hits_never_exceed_the_limit(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    results = await asyncio.gather(*(limiter.hit("burst", 20, 60) for _ in range(100)))
    assert sum(d.allowed for d in results) == 20


async def test_concurrent_hits_on_different_keys_are_decided_per_key(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    hits = [limiter.hit("small", 2, 60) for _ in range(5)]
    hits += [limiter.hit("big", 4, 60, cost=2) for _ in range(5)]
    results = await asyncio.gather(*hits)
    assert [d.allowed for d in results[:5]] == [True, True, False, False, False]
    assert [d.allowed for d in results[5:]] == [True, True, False, False, False]
    assert [d.used for d in results[5:7]] == [2, 4]


async def test_every_counter_key_has_a_ttl(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    for _ in range(3):
        await limiter.hit("ttl", 2, 10)
    keys = [k async for k in redis.scan_iter(match="rl:{t:ttl}:*")]
    assert keys
    for key in keys:
        assert 0 < await redis.pttl(key) <= 20_000


async def test_keys_are_independent(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    assert (await limiter.hit("a", 1, 60)).allowed
    assert not (await limiter.hit("a", 1, 60)).allowed
    assert (await limiter.hit("b", 1, 60)).allowed


async def test_window_slides_and_frees_capacity(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    assert (await limiter.hit("slide", 1, 0.2)).allowed
    assert not (await limiter.hit("slide", 1, 0.2)).allowed
    await asyncio.sleep(0.45)
    assert (await limiter.hit("slide", 1, 0.2)).allowed


async def test_usage_reports_the_current_count(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    for _ in range(4):
        await limiter.hit("u", 10, 60)
    assert await limiter.usage("u", 60) == 4


async def test_fails_open_when_redis_is_down() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RateLimiter(dead, "t")
    decision = await limiter.hit("x", 1, 60)
    assert decision.allowed
    await dead.aclose()


async def test_a_fail_closed_limiter_raises_to_every_waiting_caller() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RateLimiter(dead, "t", fail_open=False)
    results = await asyncio.gather(*(limiter.hit("x", 1, 60) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RedisConnectionError) for r in results)
    await dead.aclose()


async def test_several_windows_count_together_in_one_call(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    windows = [("u:minute", 3, 60), ("u:hour", 5, 3600)]
    results = [await limiter.hit_all(windows) for _ in range(4)]
    assert [all(d.allowed for d in r) for r in results] == [True, True, True, False]
    assert results[-1][0].allowed is False and results[-1][1].allowed is True


async def test_a_call_refused_by_one_window_uses_up_no_other(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    windows = [("v:minute", 2, 60), ("v:hour", 100, 3600)]
    for _ in range(10):
        await limiter.hit_all(windows)
    assert await limiter.usage("v:minute", 60) == 2
    assert await limiter.usage("v:hour", 3600) == 2


async def test_several_windows_fail_open_when_redis_is_down() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    decisions = await RateLimiter(dead, "t").hit_all([("x", 1, 60), ("y", 1, 3600)])
    assert all(d.allowed for d in decisions)
    await dead.aclose()


async def test_a_limiter_whose_redis_cannot_keep_up_fails_open_like_one_that_is_down(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    limiter._batch.max_pending = 0  # as if thousands of hits were already waiting on Redis
    assert (await limiter.hit("x", 1, 60)).allowed
    assert (await limiter.hit("x", 1, 60)).allowed
    closed = RateLimiter(redis, "t", fail_open=False)
    closed._batch.max_pending = 0
    with pytest.raises(Overloaded):
        await closed.hit("x", 1, 60)


async def test_a_call_counted_in_the_callers_pipeline_is_decided_as_hit_all_decides_it(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    await limiter.hit_all([("mine:minute", 2, 60)])  # the script loaded, one call counted
    answers = []
    for _ in range(2):
        pipe = redis.pipeline(transaction=False)
        pipe.set("mine:other", b"1")
        call = limiter.count_in(pipe, [("mine:minute", 2, 60), ("mine:hour", 5, 3600)])
        stored, reply = await pipe.execute(raise_on_error=False)
        assert stored is True
        answers.append(limiter.decided(call, reply))
    assert [[d.allowed for d in answer or []] for answer in answers] == [[True, True], [False, True]]
    assert await limiter.usage("mine:minute", 60) == 2
    assert await limiter.usage("mine:hour", 3600) == 1  # the refused call used up no other window


async def test_a_call_queued_while_redis_lacks_the_script_counts_nothing_and_says_so(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    await redis.script_flush()
    pipe = redis.pipeline(transaction=False)
    call = limiter.count_in(pipe, [("lost:minute", 1, 60)])
    (reply,) = await pipe.execute(raise_on_error=False)
    assert limiter.decided(call, reply) is None
    assert await limiter.usage("lost:minute", 60) == 0
    assert (await limiter.hit_all([("lost:minute", 1, 60)]))[0].allowed  # counted again, loading the script
