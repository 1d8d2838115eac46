"""The sliding-window limiter: exact limits, retry hints, keys that always expire, fail-open."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

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


async def test_every_counter_key_has_a_ttl(redis: Redis) -> None:
    limiter = RateLimiter(redis, "t")
    for _ in range(3):
        await limiter.hit("ttl", 2, 10)
    keys = [k async for k in redis.scan_iter(match="rl:t:ttl:*")]
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
